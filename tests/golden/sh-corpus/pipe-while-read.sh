printf 'a 1\nb 2\nc 3\n' | while read name val; do
  echo "$val:$name"
done
seq 3 | while read n; do echo "n=$n"; done | tail -1
