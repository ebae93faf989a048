seq 1 50 | while read n; do echo $((n*2)); done | while read n; do [ $((n % 4)) -eq 0 ] && echo $n; done | { s=0; while read n; do s=$((s+n)); done; echo "sum $s"; }
