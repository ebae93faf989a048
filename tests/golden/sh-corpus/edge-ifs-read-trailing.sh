echo "a:b:" | { IFS=: read x y; echo "[$x][$y]"; }
echo "a:b:c:" | { IFS=: read x y; echo "[$x][$y]"; }
echo "a b " | { read x y; echo "[$x][$y]"; }
echo "a  b  c  " | { read x y; echo "[$x][$y]"; }
echo " : a" | { IFS=' :' read x y; echo "[$x][$y]"; }
echo "a" | { read x y z; echo "[$x][$y][$z]"; }
