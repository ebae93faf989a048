echo before
x=set
echo ${x:?unused}
e=
echo ${e:?is empty here}
echo after
