echo 'echo hi' > noexec
./noexec
echo "status $?"
mkdir adir
./adir
echo "status $?"
