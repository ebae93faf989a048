for i in 1 2 3; do echo $i; done > loop.out
cat loop.out
if true; then echo in-if; fi > if.out
cat if.out
{ echo g1; echo g2; } > group.out
cat group.out
while read l; do echo "r:$l"; done < loop.out
(echo sub) > sub.out; cat sub.out
