trap 'echo got TERM' TERM
kill -TERM $$
echo after
trap - TERM
trap 'echo usr1' USR1
kill -USR1 $$
echo done
