FOO=bar
export FOO
env | grep '^FOO='
BAR=baz env | grep '^BAR='
echo "[${BAR-unset}]"
export A=1 B=2
sh -c 'echo $A$B'
NOTEXP=1
sh -c 'echo "[${NOTEXP-unset}]"'
