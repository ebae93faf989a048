[ a = a -a b = b ] && echo and
[ a = b -o b = b ] && echo or
[ ! a = b ] && echo not
[ \( a = a \) -a \( -n x \) ] && echo parens
[ a = b -o a = a -a b = c ] || echo precedence
test a = a && test -n "x" && echo chained
