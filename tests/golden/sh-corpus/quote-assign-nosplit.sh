x="a   b    c"
y=$x
echo "$y"
z=$x$x
echo "$z"
w=*
echo "$w"
