mkdir -p d1/sub d2 d3/sub
touch d1/f d2/f d1/sub/g file
echo */
echo d*/sub
echo */f
echo */*/g
echo d?/nope
