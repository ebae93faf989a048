a=1 b=2
unset a
echo "[${a-unset}] [$b]"
unset -v b
echo "[${b-unset}]"
unset never_set
echo "status $?"
f() { :; }
unset f
f; echo "f status $?"
