set -C
echo x > /dev/null && echo devnull-ok
echo y > newfile && echo new-ok
echo z > newfile || echo exists-blocked
