printf 'a\\b c\\\nd\n' | { read x; echo "[$x]"; }
printf 'a\\b c\\\nd\n' | { read -r x; echo "[$x]"; }
printf 'q\\ r s\n' | { read a b; echo "[$a][$b]"; }
