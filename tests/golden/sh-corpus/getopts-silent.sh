while getopts :ab: opt -a -x -b; do
  echo "opt=$opt arg=${OPTARG-unset}"
done
echo "OPTIND=$OPTIND"
