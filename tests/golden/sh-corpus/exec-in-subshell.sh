(exec echo sub-exec; echo no)
echo after
x=$(exec printf captured)
echo $x
