sh -e -c 'false; echo no'
echo "status $?"
sh -x -c 'echo traced' 2>&1
sh -c 'set -e; false'; echo $?
sh -u -c 'echo $nope'; echo $?
sh -n -c 'echo not-run'; echo "n $?"
printf 'echo a\nfalse\necho b\n' > x.sh
sh -e x.sh; echo $?
