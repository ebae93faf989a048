touch B a C b _x 1 10 2
echo *
