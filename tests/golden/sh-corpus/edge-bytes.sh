x='héllo'
echo ${#x}
printf '%s' "$x" | wc -c
echo "$x" | od -An -c | tr -s ' '
y=$(printf '\001\002\377')
printf '%s' "$y" | od -An -tx1
