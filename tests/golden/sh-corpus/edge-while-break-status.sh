while true; do break; done
echo "break status $?"
for i in 1 2 3; do if [ $i = 2 ]; then continue; fi; echo $i; done
echo "continue status $?"
i=0
until false; do i=$((i+1)); [ $i -ge 3 ] && break; done
echo $i
