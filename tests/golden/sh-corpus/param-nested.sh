unset a b
c=C
echo ${a:-${b:-${c}}}
echo ${a:-"${c}x"}
x=file.txt
echo ${x%.${x##*.}}.bak
d=${a:-$(echo sub)}
echo $d
