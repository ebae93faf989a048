IFS=' :'
y=" a : b :: c "
set -- $y
echo $#
printf '[%s]' "$@"; echo
z="a:  :b"
set -- $z
printf '[%s]' "$@"; echo
