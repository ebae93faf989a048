sleep 10 &
kill $!
# busybox sh says "Terminated" here or not depending on when it reaps the job (it
# races with itself), so only the status is compared.
wait $! 2>/dev/null
echo "status $?"
