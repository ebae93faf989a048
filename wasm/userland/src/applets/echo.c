/* echo: GNU semantics (no escapes unless -e; options only as leading -neE words). */
#include "box.h"
#include <string.h>

const char help_echo[] =
  "Usage: echo [SHORT-OPTION]... [STRING]...\n"
  "Echo the STRING(s) to standard output.\n\n"
  "  -n     do not output the trailing newline\n"
  "  -e     enable interpretation of backslash escapes\n"
  "  -E     disable interpretation of backslash escapes (default)\n";

APPLET(echo) {
  int newline = 1, escapes = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *p = argv[i] + 1;
    if (strspn(p, "neE") != strlen(p)) break;
    for (; *p; p++) {
      if (*p == 'n') newline = 0;
      else if (*p == 'e') escapes = 1;
      else escapes = 0;
    }
  }
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) putchar(' ');
    if (!escapes) { fputs(argv[i], stdout); continue; }
    char *buf = xmalloc(strlen(argv[i]) + 1);
    int stop;
    size_t n = unescape(argv[i], buf, &stop, 0);
    fwrite(buf, 1, n, stdout);
    if (stop) return 0;
  }
  if (newline) putchar('\n');
  return 0;
}
