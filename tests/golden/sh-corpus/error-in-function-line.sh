f() {
  echo in-f
  nosuch_in_f
}
f
g() { cd /nonexistent-dir; }
g
echo "status $?"
