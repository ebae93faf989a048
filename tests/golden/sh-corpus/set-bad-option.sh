set -o nonsense
echo "status $?"
set -Z
echo never
