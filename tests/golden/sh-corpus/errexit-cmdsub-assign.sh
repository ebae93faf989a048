set -e
x=$(echo hi)
echo $x
echo $(false) still
y=$(false)
echo never
