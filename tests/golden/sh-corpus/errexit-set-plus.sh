set -e
set +e
false
echo "continued $?"
set -o errexit
(exit 3) || echo caught
echo $-
