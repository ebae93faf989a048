{ echo out; echo err >&2; } 2>&1 | sort
ls /nope 2>&1 | wc -l
