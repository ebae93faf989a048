if false; then :; else (exit 3); fi
echo $?
if true; then (exit 4); fi
echo $?
if (exit 5); then :; fi
echo $?
