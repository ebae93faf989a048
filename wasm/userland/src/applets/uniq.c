/* uniq: adjacent duplicate lines. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_uniq[] =
  "Usage: uniq [OPTION]... [INPUT [OUTPUT]]\n"
  "Filter adjacent matching lines from INPUT (or standard input), writing to OUTPUT (or standard output).\n\n"
  "  -c, --count           prefix lines by the number of occurrences\n"
  "  -d, --repeated        only print duplicate lines, one for each group\n"
  "  -f, --skip-fields=N   avoid comparing the first N fields\n"
  "  -i, --ignore-case     ignore differences in case when comparing\n"
  "  -s, --skip-chars=N    avoid comparing the first N characters\n"
  "  -u, --unique          only print unique lines\n"
  "  -w, --check-chars=N   compare no more than N characters in lines\n";

static long long skip_fields, skip_chars, check_chars = -1;
static int icase;

static const char *key(const char *s, size_t n, size_t *len) {
  const char *p = s, *end = s + n;
  for (long long f = 0; f < skip_fields; f++) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (p < end && *p != ' ' && *p != '\t') p++;
  }
  for (long long c = 0; c < skip_chars && p < end; c++) p++;
  size_t l = (size_t)(end - p);
  if (check_chars >= 0 && (size_t)check_chars < l) l = (size_t)check_chars;
  *len = l;
  return p;
}

static int same(const char *a, size_t an, const char *b, size_t bn) {
  size_t la, lb;
  const char *ka = key(a, an, &la), *kb = key(b, bn, &lb);
  if (la != lb) return 0;
  return icase ? !strncasecmp(ka, kb, la) : !memcmp(ka, kb, la);
}

APPLET(uniq) {
  static const struct option longs[] = {
    {"count", 0, 0, 'c'}, {"repeated", 0, 0, 'd'}, {"skip-fields", 1, 0, 'f'}, {"ignore-case", 0, 0, 'i'},
    {"skip-chars", 1, 0, 's'}, {"unique", 0, 0, 'u'}, {"check-chars", 1, 0, 'w'}, {0, 0, 0, 0}};
  int c, count = 0, repeated = 0, uniq_only = 0;
  while ((c = opt_next(argc, argv, "cdf:is:uw:", longs, 1)) != -1) {
    long long *target = c == 'f' ? &skip_fields : c == 's' ? &skip_chars : c == 'w' ? &check_chars : NULL;
    if (target) {
      *target = parse_count(optarg, 0);
      if (*target < 0)
        die_msg(1, "%s: invalid number of %s", q(optarg), c == 'f' ? "fields to skip" : c == 's' ? "bytes to skip" : "bytes to compare");
      continue;
    }
    if (c == 'c') count = 1;
    else if (c == 'd') repeated = 1;
    else if (c == 'i') icase = 1;
    else if (c == 'u') uniq_only = 1;
  }
  if (argc - optind > 2) usage_fail("extra operand %s", q(argv[optind + 2]));
  FILE *in = stdin, *out = stdout;
  if (optind < argc && strcmp(argv[optind], "-")) {
    in = fopen(argv[optind], "r");
    if (!in) die_err(1, errno, "%s", argv[optind]);
  }
  if (optind + 1 < argc) {
    out = fopen(argv[optind + 1], "w");
    if (!out) die_err(1, errno, "%s", argv[optind + 1]);
  }
  char *prev = NULL, *line = NULL;
  size_t prev_cap = 0, cap = 0, prev_len = 0;
  long long n = 0;
  ssize_t r;
  for (;;) {
    r = getline(&line, &cap, in);
    size_t len = r > 0 ? (size_t)r : 0;
    if (r > 0 && line[len - 1] == '\n') len--;
    if (n > 0 && (r < 0 || !same(prev, prev_len, line, len))) {
      if ((!repeated || n > 1) && (!uniq_only || n == 1)) {
        if (count) fprintf(out, "%7lld ", n);
        fwrite(prev, 1, prev_len, out);
        putc('\n', out);
      }
      n = 0;
    }
    if (r < 0) break;
    if (n == 0) {
      if (len + 1 > prev_cap) prev = xrealloc(prev, prev_cap = len + 1);
      memcpy(prev, line, len);
      prev_len = len;
    }
    n++;
  }
  if (out != stdout && fclose(out) != 0) die_err(1, errno, "%s", argv[optind + 1]);
  return 0;
}
