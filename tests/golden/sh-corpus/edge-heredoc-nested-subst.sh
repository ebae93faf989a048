x=$(cat <<EOF
outer $(cat <<INNER
inner $((2*3))
INNER
) end
EOF
)
echo "$x"
cat <<EOF | while read a b; do echo "$b-$a"; done
1 one
2 $(echo two)
EOF
