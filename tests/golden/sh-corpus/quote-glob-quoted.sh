touch a1 a2 b1
echo a*
echo "a*"
echo 'a*'
echo a\*
p='a*'
echo $p "$p"
