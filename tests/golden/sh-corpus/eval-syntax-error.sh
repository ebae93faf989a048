echo before
eval 'if then'
echo never
