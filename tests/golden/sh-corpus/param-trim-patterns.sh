x=abc123def
echo ${x%[0-9]*} ${x%%[0-9]*}
echo ${x#*[0-9]} ${x##*[0-9]}
echo ${x#?} ${x%???}
echo ${x#[!a]} ${x#[a-c]}
s='a*b*c'
echo ${s#*\*} ${s%\**}
echo ${s#"a*"}
