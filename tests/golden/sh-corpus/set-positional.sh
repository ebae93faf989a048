set -- a b c
echo $# $@
set --
echo $#
set -- -x -e
echo $# "$1"
set -- "with space" ""
echo $#
set a b
echo $1$2
