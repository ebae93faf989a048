trap 'echo a' EXIT
trap 'echo b' INT TERM
trap '' HUP
trap
trap - INT
trap - EXIT
echo ---
trap
