set -u
x=1
echo $x
echo ${unset_var-default} ${unset_var:-d2}
echo ${unset_var+alt}x
echo "$@"
echo $unset_var
echo never
