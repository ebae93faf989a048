touch 'a b' ab 'a*c' abc
echo a*
echo "a "*
echo a"*"c
echo a'*'*
