f() {
  local OPTIND=1 opt
  while getopts "vo:n:" opt "$@"; do
    case $opt in
      v) echo verbose;;
      o) echo "out=$OPTARG";;
      n) echo "num=$OPTARG";;
      *) echo "error";;
    esac
  done
  shift $((OPTIND-1))
  echo "remaining: $*"
}
f -vofile.txt -n 3 a b
f -v -- -o
f -o
