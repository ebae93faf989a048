echo x | exit 3
echo $?
echo y | { exit 4; }
echo $?
x=$(exit 5; echo no)
echo "$? [$x]"
for i in 1 2; do echo $i | while read n; do [ $n = 1 ] && break; echo "n=$n"; done; done
