x=$(false) >/dev/null
echo "status $?"
true
y=1 >nonexistent-dir/f
echo "status $?"
