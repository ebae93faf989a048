echo \$x \\ \' \" \a\b
echo a\ b "c\ d"
echo \
continued
echo line1\
line2
x=abc\
def
echo $x
