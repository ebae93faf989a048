echo x >&7
echo status $?
cat <&8
echo status $?
