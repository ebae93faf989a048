myvar='a b'
other=x\'y
set | grep -E '^(myvar|other)='
set -o | grep -E '^(errexit|nounset|xtrace|noglob) '
set -e
set +o | grep -E 'errexit|noglob'
