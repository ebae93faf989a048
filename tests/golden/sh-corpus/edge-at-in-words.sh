set -- a "b c"
for x in pre"$@"post; do echo "[$x]"; done
for x in "${@}"; do echo "<$x>"; done
echo ${1+"$@"}
set --
echo "[${1+"$@"}]"
for x in ${1+"$@"}; do echo never; done
echo "[$*]" "[$@]"
