sh -c 'sh -c "echo \"deep \$0\"" inner'
x='a b'
sh -c 'for a; do echo "[$a]"; done' sh "$x" c
