nosuchcommand
echo "status $?"
nosuch arg1 arg2 2>/dev/null
echo "status $?"
./nosuchfile
echo "status $?"
/abs/nosuch
echo "status $?"
