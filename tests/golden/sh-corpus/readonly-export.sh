readonly Q=1
export Q=2
echo never
