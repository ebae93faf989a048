x=$(seq 1 3000)
echo ${#x}
set -- $x
echo $# $1 $3000
