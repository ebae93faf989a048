echo before
x=$((1+))
echo after
