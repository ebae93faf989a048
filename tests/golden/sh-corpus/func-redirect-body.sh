f() { echo in-f; echo err-f >&2; } > fout 2>&1
f
cat fout
g() { cat; } < /dev/null
g; echo "g done"
