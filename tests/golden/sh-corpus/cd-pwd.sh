mkdir -p a/b/c
cd a/b
pwd | sed 's|.*/w/|w/|'
cd c
echo $PWD | sed 's|.*/w/|w/|'
cd ..
pwd | sed 's|.*/w/|w/|'
cd -
cd - > /dev/null
echo $OLDPWD | sed 's|.*/w/|w/|'
cd ../../..
pwd | sed 's|.*/||'
