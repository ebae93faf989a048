printf '%s=%s\n' a 1 b 2 c
printf '%d,' 1 2 3 4; echo
printf '[%s]' ; echo
