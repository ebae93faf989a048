printf 'a\tb\\c\101\x42\n'
printf '%b\n' 'x\ty' 'oct\0101'
printf '%b|%s\n' 'q\n' 'q\n'
printf 'stop\cnever\n'
echo
printf '%s\c%s\n' a b
echo
