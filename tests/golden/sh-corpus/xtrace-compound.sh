set -x
for i in 1; do echo $i; done
if true; then :; fi
case a in a) echo c;; esac
x=$(echo sub)
set +x
