cat <<EOF
line one \
joined
EOF
cat <<'EOF'
raw \
not joined
EOF
