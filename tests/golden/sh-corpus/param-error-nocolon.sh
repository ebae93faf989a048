e=
echo "[${e?not shown}]"
unset u
echo ${u?}
echo never
