readonly R=1
echo $R
readonly | grep ' R='
R=2
echo never
