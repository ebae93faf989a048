cd
pwd | sed 's|.*/||'
mkdir -p "$HOME/sub"
cd ~/sub
pwd | sed 's|.*/\(.*/.*\)|\1|'
