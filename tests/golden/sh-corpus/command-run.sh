echo() { printf 'func-echo\n'; }
echo hi
command echo real
command -p true && echo p-ok
unset -f echo
command nosuchcmd
echo "status $?"
command set -Q
echo "survived $?"
