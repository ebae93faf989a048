unset u; e=; v=val
echo "1 ${u-def} ${e-def} ${v-def}"
echo "2 ${u:-def} ${e:-def} ${v:-def}"
echo "3 ${u+alt} ${e+alt} ${v+alt}"
echo "4 ${u:+alt} ${e:+alt} ${v:+alt}"
echo "5 [${u}] [${e}]"
