touch file; mkdir dir; ln -s file link; ln -s missing dangling
[ -e file ] && echo e
[ -f file ] && echo f
[ -d dir ] && echo d
[ -f dir ] || echo dir-not-f
[ -h link ] && [ -L link ] && echo symlink
[ -e dangling ] || echo dangling-not-e
[ -h dangling ] && echo dangling-h
[ -s file ] || echo empty-s
echo x > full
[ -s full ] && echo nonempty-s
chmod 700 full
[ -r full ] && [ -w full ] && [ -x full ] && echo rwx
chmod 600 full
[ -x full ] || echo not-x
[ -e nope ] || echo nope
[ full -nt nope ] && echo nt
[ file -ef link ] && echo ef
