set -- a b c
unset IFS
echo "$*"
IFS=
echo "$*"
IFS=':-'
echo "$*"
x="$*"
echo $x
IFS=' '
echo "$*"
