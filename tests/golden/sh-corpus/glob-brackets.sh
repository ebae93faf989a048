touch a1 a2 a3 b1 b2 c-x cx
echo a[12]
echo [ab]1
echo a[!1]
echo a[^2]
echo [a-b]2
echo c[-x]x
echo [[:alpha:]][[:digit:]]
echo [x
