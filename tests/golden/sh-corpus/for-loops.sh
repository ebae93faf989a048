for i in a b c; do echo $i; done
for i in; do echo never; done
set -- x y
for i; do echo $i; done
for i do echo "no-semi $i"; done
for i in 1 2
do
  echo "nl $i"
done
for f in $(echo 1 2 3); do printf $f; done; echo
