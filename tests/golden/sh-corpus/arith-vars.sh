x=5 y=3
echo $((x+y)) $(($x*$y)) $((x*y+1))
e=2+3
echo $((e*2)) $(($e*2))
unset u
echo $((u+1))
z=
echo $((z+1))
