cat 3<<EOF <&3
from fd three
EOF
read a b <<EOF
x y z
EOF
echo "$a|$b"
