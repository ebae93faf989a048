touch g1 g2
set -- g*
echo $# $@
set -- $(echo 'g*')
echo $# $@
set -- "$(echo 'g*')"
echo $# $@
