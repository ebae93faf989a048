set -e
f() { echo start-f; false; echo no; }
f
echo never
