set -e
if false; then echo no; fi
while false; do :; done
false || echo or-ok
false && echo no
! true
true && false || true
f() { false; echo "f continued"; }
f || echo "f failed"
if f; then echo "f in if"; fi
echo survived
