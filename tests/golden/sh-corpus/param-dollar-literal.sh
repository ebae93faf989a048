echo $ "$" a$ $% "$ x" $/
echo '$x' "\$x"
echo ${x-$}
