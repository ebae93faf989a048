h=$HOME
test ~ = "$h" && echo home-ok
test ~/x = "$h/x" && echo slash-ok
echo "~" '~' \~ x~
a=~/dir
test "$a" = "$h/dir" && echo assign-ok
b=x:~/y
test "$b" = "x:$h/y" && echo colon-ok
echo ~nosuchuser
