x=$(exit 3)
echo $?
x=$(false) y=$(true)
echo $?
echo $(exit 4)
echo $?
x=$(echo out; exit 5)
echo "$? $x"
