for i in 1 2; do
  for j in 1 2; do echo "$i.$j"; done | tr '\n' ' '
  echo
done
i=0
while [ $i -lt 2 ]; do
  seq 2 | while read k; do echo "$i-$k"; done
  i=$((i+1))
done
