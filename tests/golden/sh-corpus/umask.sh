umask
umask 077
umask
echo data > secret
ls -l secret | cut -c1-10
umask -S
umask 022
umask -S
umask u=rwx,g=rx,o=
umask
umask 999
echo "status $?"
