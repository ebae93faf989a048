echo x > nodir/file
echo status $?
cat < missing
echo status $?
mkdir d
echo y > d
echo status $?
