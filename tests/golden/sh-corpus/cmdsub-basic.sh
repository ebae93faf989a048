x=$(echo hello)
echo $x
y=`echo world`
echo $y
echo "$(echo a; echo b)"
echo $(echo a; echo b)
echo "[$(printf 'trail\n\n\n')]"
echo "[$(printf '\n\nlead')]"
