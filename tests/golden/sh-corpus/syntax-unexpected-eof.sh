echo start
if true; then
  echo never
