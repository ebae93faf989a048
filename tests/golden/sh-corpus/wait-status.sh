(exit 3) &
p=$!
wait $p
echo "status $?"
(sleep 0.05; exit 5) &
wait $!
echo "status $?"
wait 99999
echo "unknown $?"
