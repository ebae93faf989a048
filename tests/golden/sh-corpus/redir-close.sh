echo hi >&-
echo status $?
cat <&- 
echo status $?
