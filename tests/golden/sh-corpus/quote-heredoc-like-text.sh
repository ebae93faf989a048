v=1
cat <<EOF
quotes 'kept' "kept" \$v=$v \\ back\slash
EOF
