ls /nonexistent-path 2> err
cat err | sed 's/^ls: //'
echo to-stderr >&2
echo also 1>&2
