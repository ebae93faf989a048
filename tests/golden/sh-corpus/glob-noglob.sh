touch one two
set -f
echo *
set +f
echo *
x='o*'
echo $x
set -f
echo $x
