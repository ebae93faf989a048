printf '#!/bin/sh\necho "shebang $1"\n' > run.sh
chmod +x run.sh
./run.sh arg
printf 'echo no-shebang\n' > plain
chmod +x plain
sh ./plain
