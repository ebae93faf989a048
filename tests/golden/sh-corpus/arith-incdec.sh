i=5
echo $((i++)) $i
echo $((++i)) $i
echo $((i--)) $i
echo $((--i)) $i
n=0
while [ $n -lt 5 ]; do n=$((n+1)); done
echo $n
