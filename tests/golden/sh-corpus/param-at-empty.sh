set --
n() { echo $#; }
n "$@"
n "$*"
n $@
n "x$@"
n "$@" ""
set -- ""
n "$@"
n $@
