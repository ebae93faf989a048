echo "a;b" 'c&d' "e|f" 'g>h' "i<j" '(k)' "{l}"
echo \;\&\|\>\<\(\)
echo "#notcomment" #comment
echo a#b
echo 'x'#y
