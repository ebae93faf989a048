set -a
AUTO=1
sh -c 'echo "[$AUTO]"'
set +a
MANUAL=2
sh -c 'echo "[${MANUAL-unset}]"'
