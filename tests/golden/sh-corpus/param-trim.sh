p=/usr/local/lib/file.tar.gz
echo ${p#*/}
echo ${p##*/}
echo ${p%.*}
echo ${p%%.*}
echo ${p#/usr}
echo ${p%nomatch}
echo ${p#}
f=aaa
echo ${f#a} ${f##a} ${f#a*} ${f##a*}
