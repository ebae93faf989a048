touch apple apricot banana cherry .hidden
echo *
echo a*
echo *an*
echo ?????
echo b?nana
echo nomatch*
echo .*
