echo() { builtin_echo_called=yes; command echo "wrapped: $*"; }
echo hi
cd() { command cd "$@" && echo "moved"; }
cd /
unset -f echo cd
echo plain
