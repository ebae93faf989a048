cat > data.csv <<'EOF'
name,dept,salary
alice,eng,100
bob,ops,80
carol,eng,120
dave,ops,70
EOF
tail -n +2 data.csv | cut -d, -f2 | sort | uniq -c | sed 's/^ *//'
total=0
while IFS=, read name dept salary; do
  [ "$name" = name ] && continue
  total=$((total + salary))
done < data.csv
echo "total $total"
awk -F, 'NR>1 {s[$2]+=$3} END {for (d in s) print d, s[d]}' data.csv | sort
