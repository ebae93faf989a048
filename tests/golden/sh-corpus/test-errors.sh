[ 1 -eq a ]
echo "status $?"
[ 1 -eq ]
echo "status $?"
[ a b ]
echo "status $?"
[ a = a
echo "status $?"
test \( a
echo "status $?"
test 1 -eq 1 -a
echo "status $?"
