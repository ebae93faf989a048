f() { :; }
command -v f
command -v echo
command -v if
command -v cd
command -v nosuchcmd
echo "status $?"
mkdir bin
printf '#!/bin/sh\necho tool\n' > bin/mytool
chmod +x bin/mytool
PATH=$PWD/bin:$PATH
command -v mytool | sed 's|.*/w/|w/|'
command -v ./bin/mytool
