x=global
f() { local x=local y; y=set; echo "in: $x $y"; g; }
g() { echo "g sees: $x"; }
f
echo "out: $x [${y-unset}]"
h() { local x; echo "local unset: [${x-unset}]"; x=changed; }
h; echo $x
