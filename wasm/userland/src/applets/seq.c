/* seq: integers exactly, other numbers with the widest precision of the operands. */
#include "box.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char help_seq[] =
  "Usage: seq [OPTION]... LAST\n"
  "  or:  seq [OPTION]... FIRST LAST\n"
  "  or:  seq [OPTION]... FIRST INCREMENT LAST\n"
  "Print numbers from FIRST to LAST, in steps of INCREMENT.\n\n"
  "  -f, --format=FORMAT      use printf style floating-point FORMAT\n"
  "  -s, --separator=STRING   use STRING to separate numbers (default: \\n)\n"
  "  -w, --equal-width        equalize width by padding with leading zeroes\n";

static double num(const char *s, int *prec, int *width) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || isnan(v)) usage_fail("invalid floating point argument: %s", q(s));
  const char *dot = strchr(s, '.');
  int p = dot && !strpbrk(s, "eE") ? (int)strlen(dot + 1) : 0;
  if (p > *prec) *prec = p;
  int w = (int)strlen(s);
  if (w > *width) *width = w;
  return v;
}

APPLET(seq) {
  static const struct option longs[] = {
    {"format", 1, 0, 'f'}, {"separator", 1, 0, 's'}, {"equal-width", 0, 0, 'w'}, {0, 0, 0, 0}};
  const char *fmt = NULL, *sep = "\n";
  int c, equal = 0;
  /* Negative numbers are operands, so parse options only up to the first one. */
  while (optind < argc && argv[optind][0] == '-' && argv[optind][1] && !strchr("0123456789.", argv[optind][1])) {
    c = opt_next(argc, argv, "f:s:w", longs, 0);
    if (c == -1) break;
    if (c == 'f') fmt = optarg;
    else if (c == 's') sep = optarg;
    else if (c == 'w') equal = 1;
  }
  int n = argc - optind;
  if (n < 1) usage_fail("missing operand");
  if (n > 3) usage_fail("extra operand %s", q(argv[optind + 3]));
  int prec = 0, width = 0, w2 = 0;
  double first = 1, step = 1, last;
  if (n == 1) last = num(argv[optind], &prec, &width);
  else {
    first = num(argv[optind], &prec, &width);
    if (n == 3) step = num(argv[optind + 1], &prec, &w2);
    last = num(argv[optind + n - 1], &prec, &width);
  }
  if (step == 0) usage_fail("invalid Zero increment value: %s", q(argv[optind + 1]));
  char f[64];
  if (!fmt) {
    if (equal) {
      /* Width of the widest of first and last as printed. */
      char a[64], b[64];
      int wa = snprintf(a, sizeof a, "%.*f", prec, first), wb = snprintf(b, sizeof b, "%.*f", prec, last);
      snprintf(f, sizeof f, "%%0%d.%df", wa > wb ? wa : wb, prec);
    } else snprintf(f, sizeof f, "%%.%df", prec);
    fmt = f;
  }
  int count = 0;
  for (long long i = 0;; i++) {
    double v = first + (double)i * step;
    if (step > 0 ? v > last : v < last) break;
    if (count++) fputs(sep, stdout);
    printf(fmt, v);
  }
  if (count) putchar('\n');
  return 0;
}
