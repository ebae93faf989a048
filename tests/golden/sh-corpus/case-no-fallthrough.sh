case a in
  a) echo first ;;
  a) echo second ;;
esac
case b in
  a) echo no ;;
  *) echo default ;;
  b) echo late ;;
esac
