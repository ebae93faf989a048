echo before
x=$(if then)
echo after
