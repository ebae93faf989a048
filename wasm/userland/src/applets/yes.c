/* yes: repeat a line until writing fails. */
#include "box.h"
#include <string.h>
#include <unistd.h>

const char help_yes[] = "Usage: yes [STRING]...\nRepeatedly output a line with all specified STRING(s), or 'y'.\n";

APPLET(yes) {
  int i = 1;
  if (i < argc && !strcmp(argv[i], "--")) i++;
  size_t len = 0;
  for (int j = i; j < argc; j++) len += strlen(argv[j]) + 1;
  if (i >= argc) len = 2;
  char *line = xmalloc(len + 1), *p = line;
  if (i >= argc) memcpy(line, "y\n", 3);
  else {
    for (int j = i; j < argc; j++) {
      size_t l = strlen(argv[j]);
      memcpy(p, argv[j], l);
      p += l;
      *p++ = j + 1 < argc ? ' ' : '\n';
    }
  }
  /* Fill a buffer with whole lines so that each write is large. */
  size_t reps = len < 8192 ? 8192 / len : 1, n = reps * len;
  char *buf = xmalloc(n);
  for (size_t r = 0; r < reps; r++) memcpy(buf + r * len, line, len);
  while (write_all(1, buf, n) == 0) {}
  return 1;
}
