x=value
echo "plain $x ${x}s"
echo "escapes: \$ \` \" \\ \a \n"
echo "nested $(echo "inner $x")"
echo "tab	kept"
echo "star * and ?"
