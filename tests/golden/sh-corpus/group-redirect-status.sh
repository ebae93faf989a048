{ false; } ; echo $?
{ true; false; } || echo failed
{ echo a; echo b; } | wc -l
