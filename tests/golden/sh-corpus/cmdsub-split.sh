set -- $(echo "a b  c")
echo $#
set -- "$(echo "a b  c")"
echo $#
IFS=:
set -- $(echo "x:y::z")
echo $#
for i; do echo "[$i]"; done
