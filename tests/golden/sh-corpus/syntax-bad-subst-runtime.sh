f() { echo ${x!y}; }
echo defined
f
echo never
