cat <<$X
text
$X
cat <<"a b"
spaced
a b
