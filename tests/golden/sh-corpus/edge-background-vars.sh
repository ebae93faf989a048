x=1
{ x=2; echo "bg x=$x"; } &
wait
echo "fg x=$x"
sleep 0.01 &
pid=$!
wait $pid && echo "waited ok"
