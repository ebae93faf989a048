unset HOME
echo ~
echo ~/x
