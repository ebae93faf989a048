echo x > a > b
cat a
echo "[$(cat b)]"
cat < /dev/null > out
wc -c < out
