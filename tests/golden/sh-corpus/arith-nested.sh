a=2
echo $(( $(echo 3) * a ))
echo $(( (a+1) * (a+2) ))
echo $(( a > 1 && (a < 5 || a == 10) ))
n=3
echo $(( n * $((n+1)) ))
