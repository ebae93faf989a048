x=1
y=$(x=2; echo $x)
echo $x $y
: $(cd /; echo)
pwd | sed 's|.*/||'
f() { echo fn; }
echo $(f)
