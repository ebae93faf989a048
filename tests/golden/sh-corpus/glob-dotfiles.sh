mkdir d && cd d
touch .a .b c
echo .*
echo .[!.]*
echo *
echo ?a
