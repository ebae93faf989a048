x=hello
echo ${#x}
e=
echo ${#e}
set -- a b c d
echo ${#} $#
y="with space"
echo ${#y}
unset u
echo ${#u}
