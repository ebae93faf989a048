do_it() { echo done-it; }
do_it
fi_x() { echo fi-x; }
fi_x
in() { echo in-func; }
in
