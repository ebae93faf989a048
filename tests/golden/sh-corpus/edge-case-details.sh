case x in
  a|b|c) echo abc ;;
  x | y ) echo xy ;;
esac
case "" in "") echo empty-pattern;; esac
case - in -) echo dash;; esac
case ab in [a-c]*) echo range;; esac
case '[' in \[) echo bracket;; esac
case nomatch in a) echo a;; esac
echo "status $?"
v=b
case $v in a) echo A;; b) echo B
esac
