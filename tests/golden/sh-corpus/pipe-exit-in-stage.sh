echo a | exit 3
echo "still here $?"
(exit 4) | cat
echo $?
