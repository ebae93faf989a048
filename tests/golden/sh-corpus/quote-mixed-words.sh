a="1 2"
set -- "$a"x y"$a" "$a""$a" '$a'"$a"
for w; do echo "[$w]"; done
echo "$a"'$a'\$a
