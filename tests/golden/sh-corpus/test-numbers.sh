[ 1 -eq 1 ] && echo eq
[ 2 -ne 1 ] && echo ne
[ 1 -lt 2 ] && [ 2 -le 2 ] && echo lt-le
[ 3 -gt 2 ] && [ 3 -ge 3 ] && echo gt-ge
[ -5 -lt 5 ] && echo neg
[ 10 -gt 9 ] && echo not-lexical
[ " 7 " -eq 7 ] && echo spaces
