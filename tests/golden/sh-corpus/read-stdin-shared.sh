read first
echo "first: $first"
cat
