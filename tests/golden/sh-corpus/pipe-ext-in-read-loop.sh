printf 'one\ntwo\nthree\n' > list
while read w; do
  echo "$w" | tr a-z A-Z
  ls nothing 2>/dev/null
done < list
printf 'a\nb\n' | while read w; do true; echo "[$w]"; done
