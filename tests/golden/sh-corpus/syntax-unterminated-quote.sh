echo ok
echo "unterminated
more
