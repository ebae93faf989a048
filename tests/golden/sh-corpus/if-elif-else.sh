for v in 1 2 3 4; do
  if [ $v -eq 1 ]; then echo one
  elif [ $v -eq 2 ]; then echo two
  elif [ $v -eq 3 ]
  then
    echo three
  else echo other; fi
done
if false; then echo no; fi
echo "status $?"
if ! false; then echo negated; fi
