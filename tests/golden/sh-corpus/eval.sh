eval echo hello
cmd='x=5; echo $x'
eval "$cmd"
echo $x
eval 'for i in 1 2; do echo $i; done'
var=name; name=value
eval echo \$$var
eval
echo "empty eval $?"
eval false
echo "status $?"
