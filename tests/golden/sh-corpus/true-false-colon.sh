true; echo $?
false; echo $?
:; echo $?
: ignored args $(echo x) > /dev/null; echo $?
! :; echo $?
