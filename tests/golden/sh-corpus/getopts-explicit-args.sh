while getopts xy: o -x -y 1 rest; do echo "$o ${OPTARG:-}"; done
echo $OPTIND
getopts
echo "status $?"
