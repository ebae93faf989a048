set -e
mkdir -p build/src
for n in 1 2 3; do echo "int f$n;" > build/src/f$n.c; done
count=0
for f in build/src/*.c; do
  count=$((count + 1))
  echo "compile $(basename "$f" .c)"
done
echo "$count files"
test -d build && rm -r build
[ ! -e build ] && echo cleaned
