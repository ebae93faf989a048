cat <<EOF | tr a-z A-Z
lower case
EOF
tr a-z A-Z <<EOF | rev
abc
EOF
