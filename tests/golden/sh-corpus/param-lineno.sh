echo $LINENO

echo "$LINENO"
f() {
  echo "in f $LINENO"
}
f
LINENO=99; echo $LINENO
unset LINENO; echo "[$LINENO]"
