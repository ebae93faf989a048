printf 'l1\nl2\n' > in
cat < in
wc -l < in
read first < in
echo "$first"
< in cat
