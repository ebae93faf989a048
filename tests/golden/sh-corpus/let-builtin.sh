let x=2+3
echo $x
let 'y = x * 2' z=1
echo $y $z
let 0
echo "status $?"
