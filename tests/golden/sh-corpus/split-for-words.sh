list="one two
three"
for w in $list; do echo $w; done
for w in "$list"; do echo "$w"; done | wc -l
