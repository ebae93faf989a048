readonly K=v
unset K
echo never
