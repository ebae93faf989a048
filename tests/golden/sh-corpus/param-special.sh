echo "args: $# [$*] [$@]"
set -- one "two 2" three
echo "args: $# [$*]"
echo "first=$1 second=$2 third=$3 fourth=[$4]"
false
echo "status=$?"
true
echo "status=$?"
echo "zero=$0"
