sh -c 'exit 255'; echo $?
sh -c 'exit 256'; echo $?
sh -c 'exit 300'; echo $?
sh -c 'exit foo'; echo $?
sh -c 'exit -1'; echo $?
