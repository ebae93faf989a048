set -- a b c d e f g h i j k l
echo $1 $9 ${10} ${11} ${12} ${13}
echo $10
shift 10
echo $# $1 $2
