printf 'echo "script $0 $# $1"\nexit 5\n' > s.sh
sh s.sh one two
echo "status $?"
sh ./missing.sh
echo "status $?"
printf 'echo line1\nnosuchcmd\n' > e.sh
sh e.sh
