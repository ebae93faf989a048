exec 3>f3
echo one >&3
exec 3>&-
echo two >&3
echo "status $?"
cat f3
exec 3>>f3
echo three >&3
exec 3>&-
cat f3
