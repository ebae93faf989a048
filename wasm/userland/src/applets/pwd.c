/* pwd: the working directory (the host passes it as PWD; wasi-libc keeps it). */
#include "box.h"
#include <errno.h>
#include <limits.h>
#include <unistd.h>

const char help_pwd[] =
  "Usage: pwd [OPTION]...\n"
  "Print the full filename of the current working directory.\n\n"
  "  -L, --logical   use PWD from environment, even if it contains symlinks\n"
  "  -P, --physical  avoid all symlinks\n";

APPLET(pwd) {
  static const struct option longs[] = {{"logical", 0, 0, 'L'}, {"physical", 0, 0, 'P'}, {0, 0, 0, 0}};
  while (opt_next(argc, argv, "LP", longs, 1) != -1) {}
  if (optind < argc) warn_msg("ignoring non-option arguments");
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) die_err(1, errno, "error retrieving current directory");
  puts(buf);
  return 0;
}
