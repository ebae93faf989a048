(export SUBVAR=1; sh -c 'echo "in: $SUBVAR"')
sh -c 'echo "out: [${SUBVAR-unset}]"'
X=1 sh -c 'echo "X=$X"'
echo "[${X-unset}]"
