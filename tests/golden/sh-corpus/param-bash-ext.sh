x=abcdefabc
echo ${x:2} ${x:2:3} ${x: -3} ${x:(-3):2} ${x:1:-2} "[${x:20}]" "[${x:3:0}]"
echo ${x/abc/X} ${x//abc/X} ${x/b*/Y} ${x//[ac]/_} ${x/abc}
y="a b c"
echo "${y/ /_}" "${y// /_}"
set -- a b c d
echo ${@:2} ${@:2:1}
n=2
echo ${x:n:n+1}
