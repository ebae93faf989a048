printf -- '%s\n' dashdash
printf '%s' ; echo "[no args]"
printf '%3$s\n' a b c 2>&1 | head -1 >/dev/null; echo ok
printf '%s %%s\n' x
printf '%.0s' a b; echo "[dot-zero]"
printf '\\%s\n' back
