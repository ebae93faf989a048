if false; then echo no; fi; echo "if-status $?"
if false; then echo no; elif false; then echo no; fi; echo "elif-status $?"
case z in a) ;; esac; echo "case-status $?"
for i in; do :; done; echo "for-status $?"
