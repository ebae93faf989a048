[ ! -z x -a -n y ] && echo 1
[ -z "" -o -z x ] && echo 2
[ ! \( -z x -o -z y \) ] && echo 3
[ x = x ] && [ ! y = z ] && echo 4
test -n "" -o -n "" || echo 5
[ "$(echo abc)" = abc ] && echo 6
[ 3 -gt 2 -a 2 -gt 1 ] && echo 7
