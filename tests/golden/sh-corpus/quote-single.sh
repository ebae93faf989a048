echo 'single $HOME `x` \n "dq" \'
echo 'a'"b"'c'
echo '' "" x''y
echo 'multi
line'
