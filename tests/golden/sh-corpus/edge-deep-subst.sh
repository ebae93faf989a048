echo "$(echo "$(echo "$(echo "$(echo "$(echo deep5)")")")")"
x=$(for i in 1 2 3; do echo $(( i * $(echo 10) )); done)
echo $x
