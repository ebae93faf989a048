/* sleep: sums its operands (with s/m/h/d suffixes); nanosleep is WASI poll_oneoff. */
#include "box.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char help_sleep[] =
  "Usage: sleep NUMBER[SUFFIX]...\n"
  "Pause for NUMBER seconds. SUFFIX may be 's' for seconds (the default),\n"
  "'m' for minutes, 'h' for hours or 'd' for days. NUMBER need not be an integer;\n"
  "'infinity' sleeps until the process is stopped.\n";

APPLET(sleep) {
  if (argc > 1 && !strcmp(argv[1], "--")) argv++, argc--;
  if (argc < 2) usage_fail("missing operand");
  double total = 0;
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    char *end;
    double v = strtod(argv[i], &end);
    double mult = 1;
    if (end != argv[i] && *end && !end[1]) {
      switch (*end) {
        case 's': break;
        case 'm': mult = 60; break;
        case 'h': mult = 3600; break;
        case 'd': mult = 86400; break;
        default: mult = -1;
      }
      end++;
    }
    if (end == argv[i] || *end || mult < 0 || v < 0 || v != v) {
      warn_msg("invalid time interval %s", q(argv[i]));
      bad = 1;
      continue;
    }
    total += v * mult;
  }
  if (bad) {
    fprintf(stderr, "Try '%s --help' for more information.\n", applet_name);
    return 1;
  }
  if (isinf(total)) {
    /* "sleep infinity": keep containers alive until they are stopped. */
    for (;;) {
      struct timespec day = {86400, 0};
      nanosleep(&day, NULL);
    }
  }
  struct timespec ts = {(time_t)total, (long)((total - (double)(time_t)total) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
  return 0;
}
