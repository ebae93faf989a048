unset a b
echo ${a=first} $a
echo ${a=second} $a
b=
echo "[${b=x}]" "[${b:=y}]" $b
echo ${c:=$(echo computed)} $c
