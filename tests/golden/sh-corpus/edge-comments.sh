echo a # comment here
echo b#not-comment
# whole line
   # indented comment
echo c;# after semicolon
echo d # ; echo not-run
echo 'e # kept' "f # kept"
x=1 # comment after assignment
echo $x
