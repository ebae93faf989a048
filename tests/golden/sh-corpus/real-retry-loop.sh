attempt=0
until [ $attempt -ge 3 ]; do
  attempt=$((attempt + 1))
  if [ $attempt -eq 2 ]; then echo "ok on $attempt"; break; fi
  echo "try $attempt failed"
done
n=5
while [ $n -gt 0 ]; do
  n=$((n - 2))
  [ $n -lt 0 ] && { echo negative; break; }
done
echo "n=$n"
