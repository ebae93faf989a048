echo ok
echo 'abc
