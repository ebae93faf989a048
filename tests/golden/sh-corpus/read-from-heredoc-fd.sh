while read -r a b; do
  echo "$b $a"
done <<EOF
1 one
2 two
EOF
read -n 3 x <<EOF
abcdef
EOF
echo "[$x]"
read -d , y <<EOF
first,second
EOF
echo "[$y]"
