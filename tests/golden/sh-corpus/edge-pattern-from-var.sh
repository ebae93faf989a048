x='a*c'
s=abbbc
echo ${s#$x} "${s#"$x"}"
y='a?'
case ab in $y) echo glob-var;; esac
case ab in "$y") echo no;; *) echo quoted-literal;; esac
pfx='[ab]'
echo ${s#$pfx} ${s#"$pfx"}
