kind() {
  case $1 in
    *.c) return 1;;
    *.h) return 2;;
    *) return 0;;
  esac
}
for f in a.c b.h c.txt; do kind $f; echo "$f $?"; done
