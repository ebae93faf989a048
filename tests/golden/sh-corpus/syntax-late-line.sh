echo 1
echo 2
echo 3
while :
do
  echo never
done done
