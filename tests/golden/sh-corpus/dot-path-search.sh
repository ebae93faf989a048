mkdir lib
echo 'echo found-in-path' > lib/mod.sh
PATH=$PWD/lib:$PATH
. mod.sh
. nosuchmod.sh
echo never
