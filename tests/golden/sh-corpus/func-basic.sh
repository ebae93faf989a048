greet() { echo "hello $1"; }
greet world
greet
other ()
{
  echo "args: $# [$*]"
}
other a "b c" d
echo "outer: $#"
