a=1 b=$a c="$a$b"
echo $a $b $c
x=a=b
echo $x
y==
echo $y
z=
echo "[$z]"
