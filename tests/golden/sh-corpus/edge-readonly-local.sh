f() { local r=1; readonly r; echo "in $r"; }
f
echo "after [${r-unset}]"
readonly -p | grep -c ' r=' 
