warn() { echo "warning: $*" >&2; }
warn first
warn second 2>/dev/null
{ warn third; } 2>&1
out=$(warn fourth 2>&1)
echo "captured: $out"
