echo fine
echo ${x!y}
