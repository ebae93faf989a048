/* Option parsing: musl's getopt_long, with coreutils' wording for mistakes. */
#include "box.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int opt_next(int argc, char **argv, const char *shorts, const struct option *longs, int permute) {
  static char spec[96];
  snprintf(spec, sizeof spec, "%s:%s", permute ? "" : "+", shorts);
  opterr = 0;
  static const struct option none[] = {{0, 0, 0, 0}};
  int c = getopt_long(argc, argv, spec, longs ? longs : none, NULL);
  if (c == '?') {
    if (optopt) usage_fail("invalid option -- '%c'", optopt);
    usage_fail("unrecognized option '%s'", argv[optind - 1]);
  }
  if (c == ':') {
    const char *arg = argv[optind - 1];
    if (strncmp(arg, "--", 2) == 0) usage_fail("option '%s' requires an argument", arg);
    usage_fail("option requires an argument -- '%c'", optopt);
  }
  return c;
}

long long parse_count(const char *s, int allow_suffix) {
  if (!*s || !isdigit((unsigned char)*s)) return -1;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (!*end) return v;
  if (!allow_suffix) return -1;
  long long mult = 1;
  const char *suf = end;
  static const char units[] = "KMGTPE";
  int base = 1024;
  char u = *suf == 'k' ? 'K' : *suf;
  if (*suf == 'b' && !suf[1]) return v * 512;
  const char *pos = strchr(units, u);
  if (!pos || !u) return -1;
  if (suf[1] == 'B' && !suf[2]) base = 1000;
  else if (suf[1] == 'i' && suf[2] == 'B' && !suf[3]) base = 1024;
  else if (suf[1]) return -1;
  for (long i = 0; i <= pos - units; i++) mult *= base;
  return v * mult;
}
