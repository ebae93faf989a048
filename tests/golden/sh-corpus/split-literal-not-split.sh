IFS=:
echo a:b
x=1:2
echo $x "$x" pre$x
for i in a:b $x; do echo "[$i]"; done
