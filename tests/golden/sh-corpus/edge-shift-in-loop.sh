set -- a b c d
while [ $# -gt 0 ]; do
  echo "$1 ($#)"
  shift
done
set -- x y z
while [ -n "$1" ]; do shift 2 || break; echo "left $#"; done
