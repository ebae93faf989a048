path=/var/lib/app/data.tar.gz
dir=${path%/*}
file=${path##*/}
base=${file%%.*}
ext=${file#*.}
echo "$dir | $file | $base | $ext"
str="Hello World"
echo "${#str} $(echo "$str" | tr 'A-Z' 'a-z')"
case $str in *World*) echo contains;; esac
upper=$(printf '%s' "$str" | tr a-z A-Z)
echo "$upper"
