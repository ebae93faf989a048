unset u
echo "${u:-'a b'}"
echo ${u:-'a b'}
echo "${u:-"q r"}"
echo ${u:-"q  r"} ${u:-a  b}
set -- ${u:-a b c}
echo $#
x=abcabc
echo "${x#'a'}" "${x%"c"}" ${x%%b*} "${x##*"b"}"
