printf 'no newline' | { read x; echo "status $? [$x]"; }
printf '' | { read x; echo "status $? [$x]"; }
printf 'l1\nl2' | while read l; do echo "$l"; done
printf 'l1\nl2' | while read l || [ -n "$l" ]; do echo "$l"; done
