{ echo a
echo b
