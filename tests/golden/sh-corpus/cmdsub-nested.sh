echo $(echo $(echo $(echo deep)))
echo `echo \`echo old\``
echo "$(echo "$(echo "q u o t e d")")"
x=$(case a in a) echo matched;; esac)
echo $x
y=$(echo ')' ; echo '(')
echo $y
