(exit 7)
echo $?
(echo a; exit 2; echo b)
echo $?
( (exit 3) )
echo $?
x=$( (echo deep) )
echo $x
