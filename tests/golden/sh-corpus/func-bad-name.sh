echo start
export() { :; }
echo never
