fact() {
  if [ $1 -le 1 ]; then echo 1; return; fi
  local sub=$(fact $(($1 - 1)))
  echo $(($1 * sub))
}
fact 10
fib() { [ $1 -lt 2 ] && { echo $1; return; }; echo $(( $(fib $(($1-1))) + $(fib $(($1-2))) )); }
fib 10
