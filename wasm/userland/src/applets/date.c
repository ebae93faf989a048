/* date: print a time with strftime directives (plus %N, %:z and GNU's - _ 0 ^ flags).
 * The container's clock is UTC. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_date[] =
  "Usage: date [OPTION]... [+FORMAT]\n"
  "Display the current time in the given FORMAT.\n\n"
  "  -d, --date=STRING          display time described by STRING (@SECONDS, YYYY-MM-DD[ HH:MM[:SS]], now)\n"
  "  -I[FMT], --iso-8601[=FMT]  output date/time in ISO 8601 format (date, hours, minutes, seconds, ns)\n"
  "  -R, --rfc-email            output date and time in RFC 5322 format\n"
  "  -r, --reference=FILE       display the last modification time of FILE\n"
  "  -u, --utc, --universal     print Coordinated Universal Time (UTC)\n";

static void put_directive(char flag, int width, char conv, const struct tm *tm, long nsec) {
  char buf[128];
  switch (conv) {
    case 'N': snprintf(buf, sizeof buf, "%09ld", nsec); if (width > 0 && width < 9) buf[width] = 0; fputs(buf, stdout); return;
    case 'Z': strcpy(buf, "UTC"); break;
    case 'z': strcpy(buf, "+0000"); break;
    case 's': snprintf(buf, sizeof buf, "%lld", (long long)timegm((struct tm *)tm)); break;
    default: {
      char f[4] = {'%', conv, 0};
      if (strftime(buf, sizeof buf, f, tm) == 0) buf[0] = 0;
    }
  }
  char *s = buf;
  if (flag == '-' || flag == '_') {
    /* drop the padding: leading zeros or spaces of numeric fields */
    int numeric = strchr("CdegGHIjmMsSuUVwWyY", conv) != NULL;
    while (numeric && s[1] && (*s == '0' || *s == ' ')) s++;
    if (flag == '_' && s != buf) {
      size_t pad = (size_t)(s - buf);
      for (size_t k = 0; k < pad; k++) putchar(' ');
    }
  } else if (flag == '0' && conv == 'e' && *s == ' ') *s = '0';
  if (flag == '^') for (char *p = s; *p; p++) *p = (char)toupper((unsigned char)*p);
  int len = (int)strlen(s);
  for (; width > len; width--) putchar(flag == '_' ? ' ' : '0');
  fputs(s, stdout);
}

static void format(const char *fmt, struct timespec ts) {
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%' || !p[1]) { putchar(*p); continue; }
    p++;
    char flag = 0;
    if (strchr("-_0^#", *p)) flag = *p++;
    int width = 0;
    while (isdigit((unsigned char)*p)) width = width * 10 + (*p++ - '0');
    if (*p == ':' && p[1] == 'z') { fputs("+00:00", stdout); p++; continue; }
    if (*p == '%') { putchar('%'); continue; }
    if (*p == 'n') { putchar('\n'); continue; }
    if (*p == 't') { putchar('\t'); continue; }
    if (!*p) break;
    put_directive(flag, width, *p, &tm, ts.tv_nsec);
  }
  putchar('\n');
}

APPLET(date) {
  static const struct option longs[] = {
    {"date", 1, 0, 'd'}, {"iso-8601", 2, 0, 'I'}, {"rfc-email", 0, 0, 'R'}, {"reference", 1, 0, 'r'},
    {"utc", 0, 0, 'u'}, {"universal", 0, 0, 'u'}, {"set", 1, 0, 's'}, {0, 0, 0, 0}};
  int c;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
  while ((c = opt_next(argc, argv, "d:I::Rr:us:", longs, 1)) != -1) {
    switch (c) {
      case 'd':
        if (parse_date(optarg, &ts) != 0) die_msg(1, "invalid date %s", q(optarg));
        break;
      case 'I': {
        const char *k = optarg ? optarg : "date";
        if (!strcmp(k, "date")) fmt = "%Y-%m-%d";
        else if (!strcmp(k, "hours")) fmt = "%Y-%m-%dT%H%:z";
        else if (!strcmp(k, "minutes")) fmt = "%Y-%m-%dT%H:%M%:z";
        else if (!strcmp(k, "seconds")) fmt = "%Y-%m-%dT%H:%M:%S%:z";
        else if (!strcmp(k, "ns")) fmt = "%Y-%m-%dT%H:%M:%S,%N%:z";
        else usage_fail("invalid argument %s for '--iso-8601'", q(k));
        break;
      }
      case 'R': fmt = "%a, %d %b %Y %H:%M:%S %z"; break;
      case 'r': {
        struct stat st;
        if (xstat(optarg, &st) != 0) die_err(1, errno, "%s", optarg);
        ts = st.st_mtim;
        break;
      }
      case 'u': break;
      case 's': die_err(1, EPERM, "cannot set date");
    }
  }
  if (optind < argc) {
    if (argv[optind][0] == '+') fmt = argv[optind++] + 1;
    else die_err(1, EPERM, "cannot set date");
  }
  if (optind < argc) usage_fail("extra operand %s", q(argv[optind]));
  format(fmt, ts);
  return 0;
}
