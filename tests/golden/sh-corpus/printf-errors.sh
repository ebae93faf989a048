printf '%d\n' abc
echo "status $?"
printf '%d\n' 12abc
printf '%d\n' ''
printf '%z\n' x
echo "status $?"
printf
echo "status $?"
