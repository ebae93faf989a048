echo 'echo "dot: $# $1 $2"' > d.sh
set -- orig
. ./d.sh a b
echo "after: $# $1"
. ./d.sh
