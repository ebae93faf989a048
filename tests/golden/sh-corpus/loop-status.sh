for i in 1 2; do false; done
echo $?
for i in 1; do true; done
echo $?
while false; do :; done
echo $?
x=0; while [ $x -lt 2 ]; do x=$((x+1)); (exit 3); done
echo $?
