a=A
echo `echo \$a`
echo `echo '\$a'`
echo "`echo \"q\"`"
echo `echo \\\\`
