x=$(trap 'echo trapped-in-sub' EXIT; echo body)
echo "[$x]"
