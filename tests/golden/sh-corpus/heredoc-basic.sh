name=World
cat <<EOF
Hello, $name!
Sum: $((1+2))
Cmd: $(echo sub)
Escaped: \$name \\ \`
Kept: \a "q" 'sq'
EOF
