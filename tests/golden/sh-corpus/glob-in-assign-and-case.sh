touch f1 f2
x=f*
echo "$x"
echo $x
case f1 in f*) echo case-glob;; esac
case '*' in \*) echo literal-star;; esac
