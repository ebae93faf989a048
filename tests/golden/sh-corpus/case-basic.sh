for w in apple banana cherry date 42 ''; do
  case $w in
    apple) echo fruit-a ;;
    b*|c*) echo fruit-bc ;;
    [0-9]*) echo number ;;
    '') echo empty ;;
    *) echo other ;;
  esac
done
