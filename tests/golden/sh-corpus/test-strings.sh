[ abc = abc ] && echo eq
[ abc != abd ] && echo ne
[ -z "" ] && echo z
[ -n x ] && echo n
[ x ] && echo one-arg
[ "" ] || echo empty-false
[ ] || echo no-args-false
[ a \< b ] && echo lt
test ! x || echo not
[ "(" = "(" ] && echo paren-str
[ -n ] && echo dash-n-alone
