printf 'one two three\n' | { read a b; echo "a=$a b=$b"; }
printf 'x\n' | { read a b; echo "a=$a b=[$b]"; }
printf '  lead  trail  \n' | { read l; echo "[$l]"; }
printf '  lead  trail  \n' | { read; echo "[$REPLY]"; }
