. ./missing.sh
echo never
