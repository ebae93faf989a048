/* tee: copy standard input to standard output and files. */
#include "box.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

const char help_tee[] =
  "Usage: tee [OPTION]... [FILE]...\n"
  "Copy standard input to each FILE, and also to standard output.\n\n"
  "  -a, --append              append to the given FILEs, do not overwrite\n"
  "  -i, --ignore-interrupts   ignore interrupt signals\n";

APPLET(tee) {
  static const struct option longs[] = {{"append", 0, 0, 'a'}, {"ignore-interrupts", 0, 0, 'i'}, {0, 0, 0, 0}};
  int c, append = 0;
  while ((c = opt_next(argc, argv, "ai", longs, 1)) != -1) if (c == 'a') append = 1;
  int n = argc - optind, status = 0;
  int *fds = xmalloc(sizeof(int) * (size_t)(n + 1));
  fds[0] = 1;
  for (int i = 0; i < n; i++) {
    fds[i + 1] = open(argv[optind + i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fds[i + 1] < 0) { warn_err(errno, "%s", argv[optind + i]); status = 1; }
  }
  static char buf[65536];
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; warn_err(errno, "read error"); status = 1; break; }
    if (r == 0) break;
    for (int i = 0; i <= n; i++) {
      if (fds[i] < 0) continue;
      if (write_all(fds[i], buf, (size_t)r) != 0) {
        warn_err(errno, "%s", i ? argv[optind + i - 1] : "standard output");
        status = 1;
        fds[i] = -1;
      }
    }
  }
  for (int i = 1; i <= n; i++) if (fds[i] >= 0) close(fds[i]);
  return status;
}
