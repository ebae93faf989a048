set -- a b c
f() { echo "f: $# $1"; shift; echo "f after shift: $1"; set -- x; echo "f set: $1"; }
f 1 2 3
echo "main: $# $1"
