set -e
trap 'echo "exit trap $?"' 0
echo start
false
echo never
