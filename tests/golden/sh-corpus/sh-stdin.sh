printf 'echo from stdin\nx=1\necho $x\n' | sh
printf 'echo "$0 $# $1 $2"\n' | sh -s a b
echo 'exit 9' | sh
echo "status $?"
printf 'if true\nthen\n  echo multi\nfi\n' | sh
printf 'echo a\nnosuch\n' | sh
