(sleep 0.1; echo bg-done) &
echo fg
wait
echo after-wait
false &
wait $!
echo "status $?"
