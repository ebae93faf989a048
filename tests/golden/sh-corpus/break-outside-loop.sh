break
continue
echo still
f() { break; echo in-f; }
for i in 1 2; do f; echo after-f$i; done
