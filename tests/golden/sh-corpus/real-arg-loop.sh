usage() { echo "usage: $0 [-v] files..." >&2; return 2; }
main() {
  verbose=0
  while [ $# -gt 0 ]; do
    case $1 in
      -v) verbose=1; shift;;
      --) shift; break;;
      -*) usage; return;;
      *) break;;
    esac
  done
  for f; do
    [ $verbose -eq 1 ] && echo "processing $f"
    echo "${f%.*}"
  done
}
main -v a.txt b.tar.gz
main -q
echo "status $?"
