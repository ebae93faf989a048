exec 3> three
echo via3 >&3
echo again 1>&3
exec 3>&-
cat three
exec 4<three
read l <&4
echo "got $l"
exec 4<&-
