x=outer
echo inner | read x
echo $x
echo a | { read y; echo "in: $y"; }
echo "out: [$y]"
n=0
printf '1\n2\n3\n' | while read l; do n=$((n+1)); done
echo $n
