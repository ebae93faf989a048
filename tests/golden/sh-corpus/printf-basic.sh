printf '%s\n' hello
printf '%s %s\n' a b c d e
printf '%d + %d = %d\n' 1 2 3
printf 'no newline'
printf '\n'
printf '%%literal\n'
printf '%5s|%-5s|%.2s|\n' ab cd efgh
printf '[%s]\n'
printf 'x\n' extra args
