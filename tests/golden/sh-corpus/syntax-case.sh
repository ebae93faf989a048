case x in
  a) echo a;;
  b echo b;;
esac
