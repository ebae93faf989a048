count() { echo $#; }
count "" ''
count "" "" ""
e=
count $e
count "$e"
count $e$e
count "$e$e" x
