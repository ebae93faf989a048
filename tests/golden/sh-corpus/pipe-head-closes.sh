yes | head -2
seq 1000000 | head -1
i=0
while [ $i -lt 2000 ]; do echo loop$i; i=$((i+1)); done | head -3
echo done
f() { for w in a b c d e f g; do echo $w; done; }
f | head -n 2
