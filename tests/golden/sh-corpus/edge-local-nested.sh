f() { local v=f; g; echo "f after g: $v"; }
g() { local v=g; h; echo "g: $v"; }
h() { v=h-set; echo "h sees: $v"; }
v=global
f
echo "global: $v"
count() { local n=$1; [ $n -le 0 ] && return; echo $n; count $((n-1)); echo "back $n"; }
count 3
