(echo ${undefined_var?message in subshell})
echo "status $?"
x=$(echo ${undefined_var?in cmdsub})
echo "status $?"
echo ${undefined_var?top level}
echo never
