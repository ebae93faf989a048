x=$(cat <<EOF
inside heredoc
line2
EOF
)
echo "$x"
y=$(tr a-z A-Z <<'END'
shout $x
END
)
echo "$y"
