printf 'k1=v1\nk2=v2\n\nk3=v3\n' > conf
while IFS== read k v; do
  [ -z "$k" ] && continue
  echo "$k -> $v"
done < conf
