set -u
f() { echo "$1"; }
f a
f
echo never
