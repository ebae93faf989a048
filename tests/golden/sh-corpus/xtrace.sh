set -x
echo plain
x="a b" y=2
echo "$x" '' 'it'"'"'s' "*" a=b
: $x
f() { echo in-f; }
f arg
set +x
echo quiet
