echo "\a\b\c \$ \\ \" \` \{ \}"
echo "a\
b"
echo 'a\
b'
x="\\"
echo "$x" ${#x}
