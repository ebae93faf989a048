a='x y'
eval "b=\"$a\""
echo "[$b]"
eval 'c=$a'
echo "[$c]"
eval echo '"$a"'
eval "eval echo nested"
cmd='printf "%s|" 1 "2 3"'
eval "$cmd"; echo
