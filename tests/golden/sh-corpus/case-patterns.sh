x='a*b'
case $x in a\*b) echo escaped;; esac
case $x in 'a*b') echo quoted;; esac
case axb in "$x") echo no;; $x) echo pattern-var;; esac
case hello in (hello) echo paren;; esac
case x in esac
case y in y) ;; esac
echo "status $?"
case z in z) echo last
esac
case ab in a?|b) echo q;; *) echo s;; esac
