trap 'echo "trap sees $?"' EXIT
false
exit 7
