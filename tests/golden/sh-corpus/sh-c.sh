sh -c 'echo in-c $0 $1 $2' name a b
sh -c 'echo $#' 
sh -c 'exit 3'
echo "status $?"
sh -c 'foo-not-found'
sh -c 'foo-not-found' myname
sh -c
echo "status $?"
