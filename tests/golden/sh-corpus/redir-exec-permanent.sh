exec > log
echo into-log
ls
exec >&2
cat log >&2
