for i in 1 2; do
  cat <<EOF
iteration $i
EOF
done
f() {
  cat <<EOF
in function $1
EOF
}
f arg
