cat <<A; cat <<B
first
A
second
B
paste - - <<X
1
2
X
