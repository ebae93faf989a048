echo abcdef > f
exec 5<>f
read x <&5
echo "[$x]"
exec 5>&-
echo ghi 1<>f
cat f
