IFS=:
x="a:b::c:"
set -- $x
echo $#
printf '[%s]' "$@"; echo
x=":lead"
set -- $x
printf '[%s]' "$@"; echo
