mkdir sub
touch 'sp ace' 'q?mark' sub/file
echo *
for f in *; do echo "<$f>"; done
echo sub/*
echo 'q?'*
echo q\?*
echo */
