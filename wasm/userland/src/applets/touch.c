/* touch: create files and set times (WASI path_filestat_set_times). */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc.h>

const char help_touch[] =
  "Usage: touch [OPTION]... FILE...\n"
  "Update the access and modification times of each FILE to the current time.\n"
  "A FILE argument that does not exist is created empty, unless -c or -h is supplied.\n\n"
  "  -a                     change only the access time\n"
  "  -c, --no-create        do not create any files\n"
  "  -d, --date=STRING      parse STRING (@SECONDS, YYYY-MM-DD[ HH:MM[:SS]]) and use it instead of current time\n"
  "  -h, --no-dereference   affect each symbolic link instead of any referenced file\n"
  "  -m                     change only the modification time\n"
  "  -r, --reference=FILE   use this file's times instead of current time\n"
  "  -t STAMP               use [[CC]YY]MMDDhhmm[.ss] instead of current time\n";

/* [[CC]YY]MMDDhhmm[.ss] */
static int parse_stamp(const char *s, struct timespec *out) {
  const char *dot = strchr(s, '.');
  size_t n = dot ? (size_t)(dot - s) : strlen(s);
  if (n != 8 && n != 10 && n != 12) return -1;
  for (size_t i = 0; i < n; i++) if (!isdigit((unsigned char)s[i])) return -1;
  int v[6] = {0};
  for (size_t i = 0; i < n / 2; i++) v[i] = (s[2 * i] - '0') * 10 + s[2 * i + 1] - '0';
  struct tm tm = {0};
  time_t now = time(NULL);
  struct tm cur;
  gmtime_r(&now, &cur);
  int k = 0;
  if (n == 12) { tm.tm_year = v[0] * 100 + v[1] - 1900; k = 2; }
  else if (n == 10) { tm.tm_year = v[0] < 69 ? v[0] + 100 : v[0]; k = 1; }
  else tm.tm_year = cur.tm_year;
  tm.tm_mon = v[k] - 1;
  tm.tm_mday = v[k + 1];
  tm.tm_hour = v[k + 2];
  tm.tm_min = v[k + 3];
  if (dot) {
    if (strlen(dot + 1) != 2 || !isdigit((unsigned char)dot[1]) || !isdigit((unsigned char)dot[2])) return -1;
    tm.tm_sec = (dot[1] - '0') * 10 + dot[2] - '0';
  }
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return -1;
  out->tv_sec = timegm(&tm);
  out->tv_nsec = 0;
  return 0;
}

APPLET(touch) {
  static const struct option longs[] = {
    {"no-create", 0, 0, 'c'}, {"date", 1, 0, 'd'}, {"no-dereference", 0, 0, 'h'}, {"reference", 1, 0, 'r'},
    {0, 0, 0, 0}};
  int c, only_a = 0, only_m = 0, no_create = 0, no_deref = 0, given = 0;
  struct timespec ts[2];
  while ((c = opt_next(argc, argv, "acd:fhmr:t:", longs, 1)) != -1) {
    switch (c) {
      case 'a': only_a = 1; break;
      case 'm': only_m = 1; break;
      case 'c': no_create = 1; break;
      case 'h': no_deref = 1; no_create = 1; break;
      case 'd':
        if (parse_date(optarg, &ts[0]) != 0) die_msg(1, "invalid date format %s", q(optarg));
        ts[1] = ts[0];
        given = 1;
        break;
      case 't':
        if (parse_stamp(optarg, &ts[0]) != 0) die_msg(1, "invalid date format %s", q(optarg));
        ts[1] = ts[0];
        given = 1;
        break;
      case 'r': {
        struct stat st;
        if (xstat(optarg, &st) != 0) die_err(1, errno, "failed to get attributes of %s", q(optarg));
        ts[0] = st.st_atim;
        ts[1] = st.st_mtim;
        given = 1;
        break;
      }
    }
  }
  if (optind >= argc) usage_fail("missing file operand");
  if (!given) {
    ts[0].tv_sec = ts[1].tv_sec = 0;
    ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
  }
  if (only_a && !only_m) ts[1].tv_nsec = UTIME_OMIT;
  if (only_m && !only_a) ts[0].tv_nsec = UTIME_OMIT;
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    struct stat st;
    if (xlstat(path, &st) != 0) {
      if (no_create) continue;
      int fd = open(path, O_WRONLY | O_CREAT, 0666);
      if (fd < 0) { warn_err(errno, "cannot touch %s", q(path)); status = 1; continue; }
      close(fd);
      if (!given && !only_a && !only_m) continue;
    }
    if (__wasilibc_utimens(path, ts, no_deref ? AT_SYMLINK_NOFOLLOW : 0) != 0) {
      warn_err(errno, "setting times of %s", q(path));
      status = 1;
    }
  }
  return status;
}
