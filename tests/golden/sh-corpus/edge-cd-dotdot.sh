mkdir -p x/y
cd x/y/../y/.
pwd | sed 's|.*/w/|w/|'
cd ../..
pwd | sed 's|.*/||'
cd x//y/
pwd | sed 's|.*/w/|w/|'
cd /
pwd
cd ..
pwd
