trap 'echo x' NOSUCHSIG
echo "status $?"
trap 'echo y' 99
echo "status $?"
