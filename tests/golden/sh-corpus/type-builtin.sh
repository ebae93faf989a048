f() { :; }
type f
type echo
type :
type if
type cd export
type nosuchcmd
echo "status $?"
command -V f
command -V while
