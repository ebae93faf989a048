echo hello | cat
printf 'b\na\nc\n' | sort
printf 'b\na\nc\n' | sort | head -2
seq 1 5 | tr '\n' ' '; echo
echo one | cat | cat | cat | cat
