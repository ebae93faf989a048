f() { break; }
for i in 1 2 3; do echo $i; f; echo after; done
echo end
