show() { echo "v=[$v]"; }
v=outer
v=temp show
echo "after: $v"
unset v
v=temp2 show
echo "after: [${v-unset}]"
