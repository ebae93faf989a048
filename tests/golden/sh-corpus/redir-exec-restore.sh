exec 3>&1
exec > saved
echo hidden
exec 1>&3 3>&-
echo visible
cat saved
