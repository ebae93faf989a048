echo $-
set -u
echo $-
set -f
echo $-
set +u +f
echo $-
