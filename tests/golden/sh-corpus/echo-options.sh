echo -n no-newline; echo
echo -e 'tab\there' 'oct\101\0102' 'hex\x41'
echo -e 'stop\cignored'
echo
echo -E 'raw\t'
echo -n -e 'a\n'
echo -- -n
echo -x -n
echo '\n not interpreted'
echo -ne 'x\n'
