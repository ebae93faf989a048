cd nonexistent
echo "status $?"
touch file
cd file
echo "status $?"
cd ""
echo "empty ok $?"
