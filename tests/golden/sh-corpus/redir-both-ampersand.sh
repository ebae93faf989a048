echo hi &>f1
cat f1
ls nope &>f2
cat f2
{ echo out; echo err >&2; } &>f3
sort f3
echo a&>f4;cat f4
true & wait
echo "background still works"
