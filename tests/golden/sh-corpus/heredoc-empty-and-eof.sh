cat <<EOF
EOF
echo between
cat <<EOF
no terminator at end