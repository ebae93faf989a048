mkdir -p real/inner
ln -s real link
cd link
pwd | sed 's|.*/w/|w/|'
pwd -P | sed 's|.*/w/|w/|'
cd ..
cd -P link/inner
pwd | sed 's|.*/w/|w/|'
