cat > lib.sh <<'EOF'
LIBVAR=loaded
libfn() { echo "libfn $*"; }
echo "in lib: $# $1"
EOF
. ./lib.sh
echo $LIBVAR
libfn a b
set -- x y
. ./lib.sh
cat > ret.sh <<'EOF'
echo before-return
return 3
echo after-return
EOF
. ./ret.sh
echo "status $?"
