name=World
cat <<'EOF'
Hello, $name! $(echo no) \$ \\
EOF
cat <<"E2"
also $name
E2
cat <<\E3
and $name
E3
