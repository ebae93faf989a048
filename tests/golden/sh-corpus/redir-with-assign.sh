x=1 > file
echo "[$x]"
ls
y=$(echo v) 2>/dev/null
echo $y
