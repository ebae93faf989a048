unset IFS
echo "  a  b  " | { read x y; echo "[$x][$y]"; }
IFS=
echo "  a  b  " | { read x y; echo "[$x][$y]"; }
