seq 1 20000 | wc -l
seq 1 20000 | tail -1
yes abc | head -3
seq 100000 | grep -c 5
