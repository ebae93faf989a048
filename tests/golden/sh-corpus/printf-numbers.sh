printf '%d %i %o %u %x %X\n' 42 -7 8 10 255 255
printf '%5d|%-5d|%05d|%+d|% d\n' 42 42 42 42 42
printf '%#x %#o %.3d %8.3d\n' 255 8 7 7
printf '%d %d %d\n' 0x1f 010 "'A"
printf '%u %x\n' -1 -1
printf '%c%c%c\n' abc d e
