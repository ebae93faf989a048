/* sort: GNU sort's key rules (-k POS1[,POS2] with per-key flags, -t), byte order of
 * the C locale, and the whole-line comparison as the last resort. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_sort[] =
  "Usage: sort [OPTION]... [FILE]...\n"
  "Write sorted concatenation of all FILE(s) to standard output.\n\n"
  "  -b, --ignore-leading-blanks  ignore leading blanks\n"
  "  -f, --ignore-case            fold lower case to upper case characters\n"
  "  -n, --numeric-sort           compare according to string numerical value\n"
  "  -h, --human-numeric-sort     compare human readable numbers (e.g., 2K 1G)\n"
  "  -r, --reverse                reverse the result of comparisons\n"
  "  -c, --check                  check for sorted input; do not sort\n"
  "  -k, --key=KEYDEF             sort via a key; KEYDEF gives location and type\n"
  "  -o, --output=FILE            write result to FILE instead of standard output\n"
  "  -s, --stable                 stabilize sort by disabling last-resort comparison\n"
  "  -t, --field-separator=SEP    use SEP instead of non-blank to blank transition\n"
  "  -u, --unique                 output only the first of lines with equal keys\n"
  "  -z, --zero-terminated        line delimiter is NUL, not newline\n\n"
  "KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position; OPTS is one or more\n"
  "of the ordering options [bfhnr].\n";

struct key {
  int sf, sc, ef, ec;     /* fields and chars, 1-based; ef 0 = end of line, ec 0 = end of field */
  int blank_start, blank_end, numeric, human, fold, reverse;
};

static struct key *keys;
static int nkeys;
static struct key global;
static int tab = -1, stable, unique;

struct line { const char *s; size_t n; };

static int blank(int c) { return c == ' ' || c == '\t'; }

/* Start of field f (1-based) in line, GNU style: without -t a field starts with
 * the blanks before it. */
static size_t field_start(const char *s, size_t n, int f) {
  size_t p = 0;
  for (int k = 1; k < f && p < n; k++) {
    if (tab >= 0) {
      const char *t = memchr(s + p, tab, n - p);
      p = t ? (size_t)(t - s) + 1 : n;
    } else {
      while (p < n && blank((unsigned char)s[p])) p++;
      while (p < n && !blank((unsigned char)s[p])) p++;
    }
  }
  return p;
}

static size_t field_end(const char *s, size_t n, size_t from) {
  if (tab >= 0) {
    const char *t = memchr(s + from, tab, n - from);
    return t ? (size_t)(t - s) : n;
  }
  size_t p = from;
  while (p < n && blank((unsigned char)s[p])) p++;
  while (p < n && !blank((unsigned char)s[p])) p++;
  return p;
}

static void key_span(const struct key *k, const char *s, size_t n, size_t *b, size_t *e) {
  size_t start = field_start(s, n, k->sf);
  if (k->blank_start) while (start < n && blank((unsigned char)s[start])) start++;
  start += (size_t)(k->sc > 0 ? k->sc - 1 : 0);
  if (start > n) start = n;
  size_t end = n;
  if (k->ef > 0) {
    size_t fs = field_start(s, n, k->ef);
    if (k->ec == 0) end = field_end(s, n, fs);
    else {
      if (k->blank_end) while (fs < n && blank((unsigned char)s[fs])) fs++;
      end = fs + (size_t)k->ec;
      if (end > n) end = n;
    }
  }
  if (end < start) end = start;
  *b = start;
  *e = end;
}

/* Numeric value of a key's leading number (blanks, sign, digits, fraction). */
static long double number(const char *s, size_t n, int human) {
  size_t p = 0;
  while (p < n && blank((unsigned char)s[p])) p++;
  int neg = 0;
  if (p < n && s[p] == '-') { neg = 1; p++; }
  long double v = 0;
  while (p < n && isdigit((unsigned char)s[p])) v = v * 10 + (s[p++] - '0');
  if (p < n && s[p] == '.') {
    long double scale = 0.1L;
    for (p++; p < n && isdigit((unsigned char)s[p]); p++, scale /= 10) v += (s[p] - '0') * scale;
  }
  if (human && p < n) {
    const char *u = strchr("KMGTPEZY", toupper((unsigned char)s[p]));
    if (u && s[p]) for (long i = 0; i <= u - "KMGTPEZY"; i++) v *= 1024;
  }
  return neg ? -v : v;
}

static int compare_key(const struct key *k, const struct line *a, const struct line *b) {
  size_t ab, ae, bb, be;
  key_span(k, a->s, a->n, &ab, &ae);
  key_span(k, b->s, b->n, &bb, &be);
  int r;
  if (k->numeric || k->human) {
    long double x = number(a->s + ab, ae - ab, k->human), y = number(b->s + bb, be - bb, k->human);
    r = x < y ? -1 : x > y;
  } else {
    size_t la = ae - ab, lb = be - bb, m = la < lb ? la : lb;
    r = 0;
    for (size_t i = 0; i < m && !r; i++) {
      int ca = (unsigned char)a->s[ab + i], cb = (unsigned char)b->s[bb + i];
      if (k->fold) { ca = toupper(ca); cb = toupper(cb); }
      r = ca - cb;
    }
    if (!r) r = la < lb ? -1 : la > lb;
  }
  return k->reverse ? -r : r;
}

static int compare_keys(const struct line *a, const struct line *b) {
  if (!nkeys) {
    struct key whole = global;
    whole.sf = 1;
    whole.ef = 0;
    int r = compare_key(&whole, a, b);
    return r;
  }
  for (int i = 0; i < nkeys; i++) {
    int r = compare_key(&keys[i], a, b);
    if (r) return r;
  }
  return 0;
}

static int compare(const void *pa, const void *pb) {
  const struct line *a = pa, *b = pb;
  int r = compare_keys(a, b);
  if (r || stable || unique) return r;
  size_t m = a->n < b->n ? a->n : b->n;
  r = memcmp(a->s, b->s, m);
  if (!r) r = a->n < b->n ? -1 : a->n > b->n;
  return global.reverse ? -r : r;
}

static int parse_flags(const char **p, struct key *k, int end) {
  int any = 0;
  for (; **p; (*p)++) {
    switch (**p) {
      case 'b': if (end) k->blank_end = 1; else k->blank_start = 1; break;
      case 'n': k->numeric = 1; break;
      case 'h': k->human = 1; break;
      case 'f': k->fold = 1; break;
      case 'r': k->reverse = 1; break;
      case 'd': case 'i': case 'g': case 'M': case 'V': case 'R': break;
      default: return any ? 1 : 0;
    }
    any = 1;
  }
  return any;
}

static void parse_key(const char *spec) {
  struct key k = {0};
  const char *p = spec;
  char *end;
  k.sf = (int)strtol(p, &end, 10);
  if (end == p || k.sf < 1) die_msg(2, "invalid number at field start: invalid count at start of %s", q(spec));
  p = end;
  if (*p == '.') {
    k.sc = (int)strtol(p + 1, &end, 10);
    if (end == p + 1 || k.sc < 1) die_msg(2, "invalid number after '.': invalid count at start of %s", q(p + 1));
    p = end;
  }
  int own = parse_flags(&p, &k, 0);
  if (*p == ',') {
    p++;
    k.ef = (int)strtol(p, &end, 10);
    if (end == p || k.ef < 1) die_msg(2, "invalid number after ',': invalid count at start of %s", q(p));
    p = end;
    if (*p == '.') {
      k.ec = (int)strtol(p + 1, &end, 10);
      p = end;
    }
    own |= parse_flags(&p, &k, 1);
  }
  if (*p) die_msg(2, "stray character in field spec: invalid field specification %s", q(spec));
  if (!own) {
    /* A key without its own ordering options takes the global ones. */
    k.blank_start = k.blank_end = global.blank_start;
    k.numeric = global.numeric;
    k.human = global.human;
    k.fold = global.fold;
    k.reverse = global.reverse;
  }
  keys = xrealloc(keys, sizeof *keys * (size_t)(nkeys + 1));
  keys[nkeys++] = k;
}

APPLET(sort) {
  usage_status = 2;
  static const struct option longs[] = {
    {"ignore-leading-blanks", 0, 0, 'b'}, {"ignore-case", 0, 0, 'f'}, {"numeric-sort", 0, 0, 'n'},
    {"human-numeric-sort", 0, 0, 'h'}, {"reverse", 0, 0, 'r'}, {"check", 0, 0, 'c'}, {"key", 1, 0, 'k'},
    {"output", 1, 0, 'o'}, {"stable", 0, 0, 's'}, {"field-separator", 1, 0, 't'}, {"unique", 0, 0, 'u'},
    {"zero-terminated", 0, 0, 'z'}, {0, 0, 0, 0}};
  int c, check = 0;
  char eol = '\n';
  const char *output = NULL;
  char **keyspecs = NULL;
  int nspecs = 0;
  while ((c = opt_next(argc, argv, "bdfghiMnrck:o:st:uzV", longs, 1)) != -1) {
    switch (c) {
      case 'b': global.blank_start = 1; break;
      case 'f': global.fold = 1; break;
      case 'n': global.numeric = 1; break;
      case 'h': global.human = 1; break;
      case 'r': global.reverse = 1; break;
      case 'c': check = 1; break;
      case 'k':
        keyspecs = xrealloc(keyspecs, sizeof *keyspecs * (size_t)(nspecs + 1));
        keyspecs[nspecs++] = optarg;
        break;
      case 'o': output = optarg; break;
      case 's': stable = 1; break;
      case 't':
        if (strlen(optarg) != 1) {
          if (!strcmp(optarg, "\\0")) { tab = 0; break; }
          die_msg(2, "multi-character tab %s", q(optarg));
        }
        tab = (unsigned char)optarg[0];
        break;
      case 'u': unique = 1; break;
      case 'z': eol = 0; break;
    }
  }
  /* Keys are parsed after all options, so that global options apply to them. */
  for (int i = 0; i < nspecs; i++) parse_key(keyspecs[i]);
  static char *dash[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dash;
  int nfiles = optind < argc ? argc - optind : 1;
  size_t cap = 1024, n = 0;
  struct line *lines = xmalloc(sizeof *lines * cap);
  for (int i = 0; i < nfiles; i++) {
    size_t len;
    char *text = read_file(files[i], &len);
    if (!text) die_err(2, errno, "cannot read: %s", files[i]);
    size_t p = 0;
    while (p < len) {
      const char *e = memchr(text + p, eol, len - p);
      size_t l = e ? (size_t)(e - text) - p : len - p;
      if (n == cap) lines = xrealloc(lines, sizeof *lines * (cap *= 2));
      lines[n++] = (struct line){text + p, l};
      p += l + 1;
    }
  }
  if (check) {
    for (size_t i = 1; i < n; i++) {
      int r = compare(&lines[i - 1], &lines[i]);
      if (r > 0 || (unique && r == 0)) {
        fprintf(stderr, "sort: %s:%zu: disorder: %.*s\n", files[0], i + 1, (int)lines[i].n, lines[i].s);
        return 1;
      }
    }
    return 0;
  }
  /* qsort is not stable: break ties by input position for -s and -u. */
  struct line *order = lines;
  if (stable || unique) {
    /* A bottom-up merge sort keeps equal lines in input order. */
    struct line *tmp = xmalloc(sizeof *tmp * (n ? n : 1));
    for (size_t width = 1; width < n; width *= 2) {
      for (size_t lo = 0; lo < n; lo += 2 * width) {
        size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
        size_t a = lo, b = mid, k = lo;
        while (a < mid && b < hi) tmp[k++] = compare(&order[b], &order[a]) < 0 ? order[b++] : order[a++];
        while (a < mid) tmp[k++] = order[a++];
        while (b < hi) tmp[k++] = order[b++];
      }
      memcpy(order, tmp, sizeof *tmp * n);
    }
    free(tmp);
  } else {
    qsort(lines, n, sizeof *lines, compare);
  }
  FILE *out = stdout;
  if (output) {
    out = fopen(output, "w");
    if (!out) die_err(2, errno, "open failed: %s", output);
  }
  for (size_t i = 0; i < n; i++) {
    if (unique && i > 0 && compare_keys(&lines[i - 1], &lines[i]) == 0) continue;
    fwrite(lines[i].s, 1, lines[i].n, out);
    putc(eol, out);
  }
  if (output && fclose(out) != 0) die_err(2, errno, "write failed: %s", output);
  return 0;
}
