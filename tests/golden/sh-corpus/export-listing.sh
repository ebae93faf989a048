export Z1=1 Z2='two words'
export -p | grep ' Z[12]='
export | grep ' Z1='
export -n Z1
env | grep -c '^Z1='
