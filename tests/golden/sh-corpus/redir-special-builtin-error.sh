echo start
: > nodir/x
echo not-reached
