f() { return 3; echo no; }
f; echo $?
g() { false; return; }
g; echo $?
h() { true; }
h; echo $?
k() { return 300; }
k; echo $?
