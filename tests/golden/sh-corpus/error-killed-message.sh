sh -c 'kill -TERM $$'
echo "status $?"
sh -c 'kill -KILL $$'
echo "status $?"
sh -c 'kill -INT $$'
echo "status $?"
