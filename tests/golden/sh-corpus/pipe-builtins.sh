f() { while read l; do echo "f:$l"; done; }
printf 'x\ny\n' | f
echo pipe | { cat; echo after; }
printf '%s\n' 3 1 2 | sort -n | while read n; do printf '%s,' $n; done; echo
