/* tr: translate, squeeze and delete bytes. Sets have ranges, escapes, [:class:],
 * [=c=] and [c*n] repeats. */
#include "box.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_tr[] =
  "Usage: tr [OPTION]... STRING1 [STRING2]\n"
  "Translate, squeeze, and/or delete characters from standard input, writing to standard output.\n\n"
  "  -c, -C, --complement    use the complement of STRING1\n"
  "  -d, --delete            delete characters in STRING1, do not translate\n"
  "  -s, --squeeze-repeats   replace each sequence of a repeated character that is\n"
  "                            listed in the last specified SET, with a single occurrence\n"
  "  -t, --truncate-set1     first truncate STRING1 to length of STRING2\n\n"
  "SETs use \\NNN \\\\ \\a \\b \\f \\n \\r \\t \\v, CHAR1-CHAR2, [CHAR*], [CHAR*REPEAT],\n"
  "[:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:] [:graph:] [:lower:] [:print:]\n"
  "[:punct:] [:space:] [:upper:] [:xdigit:] and [=CHAR=].\n";

struct set { unsigned char *v; size_t n, cap; long fill_at; /* index of [c*] */ int fill_char; };

static void push(struct set *s, int c) {
  if (s->n == s->cap) s->v = xrealloc(s->v, s->cap = s->cap ? s->cap * 2 : 64);
  s->v[s->n++] = (unsigned char)c;
}

/* One possibly escaped character at *p; returns -1 at the end. */
static int next_char(const char **p) {
  const char *s = *p;
  if (!*s) return -1;
  if (*s != '\\' || !s[1]) { *p = s + 1; return (unsigned char)*s; }
  s++;
  int c;
  switch (*s) {
    case 'a': c = '\a'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'v': c = '\v'; break;
    default:
      if (*s >= '0' && *s <= '7') {
        c = 0;
        for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++) c = c * 8 + (*s++ - '0');
        *p = s;
        return c & 255;
      }
      c = (unsigned char)*s;
  }
  *p = s + 1;
  return c;
}

static int class_member(const char *name, size_t len, int c) {
#define IS(n) (len == sizeof n - 1 && !strncmp(name, n, len))
  if (IS("alnum")) return isalnum(c);
  if (IS("alpha")) return isalpha(c);
  if (IS("blank")) return c == ' ' || c == '\t';
  if (IS("cntrl")) return iscntrl(c);
  if (IS("digit")) return isdigit(c);
  if (IS("graph")) return isgraph(c);
  if (IS("lower")) return islower(c);
  if (IS("print")) return isprint(c);
  if (IS("punct")) return ispunct(c);
  if (IS("space")) return isspace(c);
  if (IS("upper")) return isupper(c);
  if (IS("xdigit")) return isxdigit(c);
#undef IS
  return -1;
}

static void parse_set(const char *s, struct set *out, int is_set2) {
  memset(out, 0, sizeof *out);
  out->fill_at = -1;
  while (*s) {
    if (s[0] == '[' && s[1] == ':') {
      const char *end = strstr(s + 2, ":]");
      if (end && class_member(s + 2, (size_t)(end - s - 2), 'a') >= 0) {
        for (int c = 0; c < 256; c++) if (class_member(s + 2, (size_t)(end - s - 2), c)) push(out, c);
        s = end + 2;
        continue;
      }
      if (end) die_msg(1, "invalid character class %s", q(xasprintf("%.*s", (int)(end - s - 2), s + 2)));
    }
    if (s[0] == '[' && s[1] == '=' && s[2] && s[3] == '=' && s[4] == ']') {
      push(out, (unsigned char)s[2]);
      s += 5;
      continue;
    }
    if (s[0] == '[' && s[1]) {
      const char *p = s + 1;
      int c = next_char(&p);
      if (c >= 0 && *p == '*') {
        const char *close = strchr(p, ']');
        if (close) {
          char *end;
          long n = strtol(p + 1, &end, *(p + 1) == '0' ? 8 : 10);
          if (end == close) {
            if (!is_set2) die_msg(1, "the [c*] repeat construct may not appear in string1");
            if (p + 1 == close || n == 0) { out->fill_at = (long)out->n; out->fill_char = c; }
            else for (long k = 0; k < n; k++) push(out, c);
            s = close + 1;
            continue;
          }
        }
      }
    }
    const char *p = s;
    int c = next_char(&p);
    if (*p == '-' && p[1]) {
      const char *r = p + 1;
      int hi = next_char(&r);
      if (hi < c) die_msg(1, "range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi);
      for (int k = c; k <= hi; k++) push(out, k);
      s = r;
      continue;
    }
    push(out, c);
    s = p;
  }
}

APPLET(tr) {
  static const struct option longs[] = {
    {"complement", 0, 0, 'c'}, {"delete", 0, 0, 'd'}, {"squeeze-repeats", 0, 0, 's'},
    {"truncate-set1", 0, 0, 't'}, {0, 0, 0, 0}};
  int c, comp = 0, del = 0, squeeze = 0, trunc = 0;
  while ((c = opt_next(argc, argv, "cCdst", longs, 1)) != -1) {
    switch (c) {
      case 'c': case 'C': comp = 1; break;
      case 'd': del = 1; break;
      case 's': squeeze = 1; break;
      case 't': trunc = 1; break;
    }
  }
  int n = argc - optind;
  int need2 = !del && !squeeze ? 1 : del && squeeze;
  if (n < 1) usage_fail("missing operand");
  if (need2 && n < 2) {
    if (del) usage_fail("missing operand after %s\nTwo strings must be given when both deleting and squeezing repeats.", q(argv[optind]));
    usage_fail("missing operand after %s\nTwo strings must be given when translating.", q(argv[optind]));
  }
  if (n > 2 || (n == 2 && del && !squeeze)) usage_fail("extra operand %s", q(argv[optind + (n > 2 ? 2 : 1)]));
  struct set s1, s2 = {0};
  parse_set(argv[optind], &s1, 0);
  if (n == 2) parse_set(argv[optind + 1], &s2, 1);
  unsigned char in1[256] = {0};
  for (size_t k = 0; k < s1.n; k++) in1[s1.v[k]] = 1;
  if (comp) {
    /* The complement, in ascending order. */
    struct set t = {0};
    for (int k = 0; k < 256; k++) if (!in1[k]) push(&t, k);
    memset(in1, 0, sizeof in1);
    for (size_t k = 0; k < t.n; k++) in1[t.v[k]] = 1;
    s1 = t;
  }
  int map[256];
  for (int k = 0; k < 256; k++) map[k] = k;
  int translate = !del && n == 2;
  if (translate) {
    if (s2.fill_at >= 0) {
      /* [c*] fills set2 up to set1's length. */
      long missing = (long)s1.n - (long)s2.n;
      struct set t = {0};
      for (long k = 0; k < (long)s2.n + (missing > 0 ? missing : 0); k++) {
        if (k < s2.fill_at) push(&t, s2.v[k]);
        else if (k < s2.fill_at + (missing > 0 ? missing : 0)) push(&t, s2.fill_char);
        else push(&t, s2.v[k - (missing > 0 ? missing : 0)]);
      }
      s2 = t;
    }
    if (s2.n == 0 && s1.n) die_msg(1, "when not truncating set1, string2 must be non-empty");
    size_t len = trunc && s2.n < s1.n ? s2.n : s1.n;
    for (size_t k = 0; k < len; k++) map[s1.v[k]] = s2.v[k < s2.n ? k : s2.n - 1];
  }
  unsigned char squeeze_set[256] = {0};
  if (squeeze) {
    struct set *last = n == 2 ? &s2 : &s1;
    if (n == 2 || !comp) for (size_t k = 0; k < last->n; k++) squeeze_set[last->v[k]] = 1;
    else memcpy(squeeze_set, in1, sizeof in1);
  }
  static unsigned char buf[65536], obuf[65536];
  int prev = -1;
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r <= 0) break;
    size_t o = 0;
    for (ssize_t k = 0; k < r; k++) {
      int ch = buf[k];
      if (del && in1[ch]) continue;
      ch = map[ch];
      if (squeeze && squeeze_set[ch] && ch == prev) continue;
      prev = ch;
      obuf[o++] = (unsigned char)ch;
    }
    if (write_all(1, obuf, o) != 0) return 1;
  }
  return 0;
}
