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
  "  -d, --dictionary-order       consider only blanks and alphanumeric characters\n"
  "  -f, --ignore-case            fold lower case to upper case characters\n"
  "  -g, --general-numeric-sort   compare according to general numerical value\n"
  "  -i, --ignore-nonprinting     consider only printable characters\n"
  "  -M, --month-sort             compare (unknown) < 'JAN' < ... < 'DEC'\n"
  "  -V, --version-sort           natural sort of (version) numbers within text\n"
  "  -n, --numeric-sort           compare according to string numerical value\n"
  "  -h, --human-numeric-sort     compare human readable numbers (e.g., 2K 1G)\n"
  "  -r, --reverse                reverse the result of comparisons\n"
  "  -c, --check                  check for sorted input; do not sort\n"
  "  -k, --key=KEYDEF             sort via a key; KEYDEF gives location and type\n"
  "  -m, --merge                  merge already sorted files (sorted as a whole here)\n"
  "  -o, --output=FILE            write result to FILE instead of standard output\n"
  "  -s, --stable                 stabilize sort by disabling last-resort comparison\n"
  "  -t, --field-separator=SEP    use SEP instead of non-blank to blank transition\n"
  "  -u, --unique                 output only the first of lines with equal keys\n"
  "  -z, --zero-terminated        line delimiter is NUL, not newline\n\n"
  "KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position; OPTS is one or more\n"
  "of the ordering options [bdfghiMnrV].\n";

struct key {
  int sf, sc, ef, ec;     /* fields and chars, 1-based; ef 0 = end of line, ec 0 = end of field */
  int blank_start, blank_end, numeric, human, fold, reverse, general, version, month, dict, printable;
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

/* -n: compares the leading numbers of two keys exactly, as decimal strings (blanks,
 * an optional '-', digits, an optional fraction); no number counts as zero. */
struct num { int neg; const char *int_digits; size_t int_len; const char *frac; size_t frac_len; size_t end; };

static struct num scan_number(const char *s, size_t n) {
  struct num v = {0};
  size_t p = 0;
  while (p < n && blank((unsigned char)s[p])) p++;
  if (p < n && s[p] == '-') { v.neg = 1; p++; }
  while (p < n && s[p] == '0') p++;
  v.int_digits = s + p;
  while (p < n && isdigit((unsigned char)s[p])) p++, v.int_len++;
  if (p < n && s[p] == '.') {
    p++;
    v.frac = s + p;
    while (p < n && isdigit((unsigned char)s[p])) p++, v.frac_len++;
    while (v.frac_len && v.frac[v.frac_len - 1] == '0') v.frac_len--;
  }
  if (!v.int_len && !v.frac_len) v.neg = 0;  /* -0 == 0 */
  v.end = p;
  return v;
}

static int compare_magnitude(const struct num *a, const struct num *b) {
  if (a->int_len != b->int_len) return a->int_len < b->int_len ? -1 : 1;
  int r = memcmp(a->int_digits, b->int_digits, a->int_len);
  if (r) return r < 0 ? -1 : 1;
  size_t m = a->frac_len < b->frac_len ? a->frac_len : b->frac_len;
  r = m ? memcmp(a->frac, b->frac, m) : 0;
  if (r) return r < 0 ? -1 : 1;
  return a->frac_len < b->frac_len ? -1 : a->frac_len > b->frac_len;
}

static int compare_numbers(const char *a, size_t an, const char *b, size_t bn, int human) {
  struct num x = scan_number(a, an), y = scan_number(b, bn);
  if (x.neg != y.neg) return x.neg ? -1 : 1;
  int r = 0;
  if (human) {
    /* -h: the unit suffix ranks first (none < K < M < G ...), then the number. */
    static const char units[] = "KMGTPEZYRQ";
    int ux = 0, uy = 0;
    if (x.end < an && a[x.end]) { const char *u = strchr(units, toupper((unsigned char)a[x.end])); ux = u ? (int)(u - units) + 1 : 0; }
    if (y.end < bn && b[y.end]) { const char *u = strchr(units, toupper((unsigned char)b[y.end])); uy = u ? (int)(u - units) + 1 : 0; }
    if (!x.int_len && !x.frac_len) ux = 0;
    if (!y.int_len && !y.frac_len) uy = 0;
    r = ux < uy ? -1 : ux > uy;
  }
  if (!r) r = compare_magnitude(&x, &y);
  return x.neg ? -r : r;
}

/* -g: a floating-point prefix as strtod reads it (wasi-libc's long double parsing
 * is not linked in); no number sorts first. */
static int general(const char *s, size_t n, double *v) {
  char buf[128];
  size_t l = n < sizeof buf - 1 ? n : sizeof buf - 1;
  memcpy(buf, s, l);
  buf[l] = 0;
  char *end;
  *v = strtod(buf, &end);
  return end != buf;
}

/* -V orders as GNU's filevercmp: runs of non-digits compare with letters before other
 * characters and '~' before everything, runs of digits numerically; a file suffix
 * such as ".tar.gz" is compared last. */
static int ver_order(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  unsigned char c = (unsigned char)s[i];
  if (isdigit(c)) return 0;
  if (isalpha(c)) return c;
  if (c == '~') return -1;
  return c + 256;
}

static int verrevcmp(const char *a, size_t an, const char *b, size_t bn) {
  size_t i = 0, j = 0;
  while (i < an || j < bn) {
    while ((i < an && !isdigit((unsigned char)a[i])) || (j < bn && !isdigit((unsigned char)b[j]))) {
      int x = ver_order(a, an, i), y = ver_order(b, bn, j);
      if (x != y) return x - y;
      i++;
      j++;
    }
    while (i < an && a[i] == '0') i++;
    while (j < bn && b[j] == '0') j++;
    int first = 0;
    while (i < an && j < bn && isdigit((unsigned char)a[i]) && isdigit((unsigned char)b[j])) {
      if (!first) first = a[i] - b[j];
      i++;
      j++;
    }
    if (i < an && isdigit((unsigned char)a[i])) return 1;
    if (j < bn && isdigit((unsigned char)b[j])) return -1;
    if (first) return first;
  }
  return 0;
}

/* Length without a suffix matching (\.[A-Za-z~][A-Za-z0-9~]*)*$ */
static size_t ver_prefix(const char *s, size_t n) {
  size_t keep = n, i = n;
  for (;;) {
    size_t k = i;
    while (k > 0 && (isalnum((unsigned char)s[k - 1]) || s[k - 1] == '~')) k--;
    /* s[k..i) must start with a letter or '~' and be preceded by '.' */
    if (k == i || k == 0 || s[k - 1] != '.' || isdigit((unsigned char)s[k])) break;
    i = k - 1;
    keep = i;
  }
  return keep;
}

static int version_cmp(const char *a, size_t an, const char *b, size_t bn) {
  if (!an || !bn) return (an != 0) - (bn != 0);
  size_t ap = ver_prefix(a, an), bp = ver_prefix(b, bn);
  int r = verrevcmp(a, ap, b, bp);
  if (r || (ap == an && bp == bn)) return r;
  return verrevcmp(a, an, b, bn);
}

/* -M: JAN..DEC as 1..12 after leading blanks, anything else 0. */
static int month(const char *s, size_t n) {
  static const char names[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  size_t p = 0;
  while (p < n && blank((unsigned char)s[p])) p++;
  if (n - p < 3) return 0;
  for (int m = 0; m < 12; m++) {
    if (toupper((unsigned char)s[p]) == names[3 * m] && toupper((unsigned char)s[p + 1]) == names[3 * m + 1] &&
        toupper((unsigned char)s[p + 2]) == names[3 * m + 2])
      return m + 1;
  }
  return 0;
}

/* Whether -d or -i leave a byte out of the comparison. */
static int ignored(const struct key *k, int c) {
  if (k->dict && !(isalnum(c) || blank(c))) return 1;
  if (k->printable && !isprint(c)) return 1;
  return 0;
}

static int compare_key(const struct key *k, const struct line *a, const struct line *b) {
  size_t ab, ae, bb, be;
  key_span(k, a->s, a->n, &ab, &ae);
  key_span(k, b->s, b->n, &bb, &be);
  int r;
  if (k->numeric || k->human) {
    r = compare_numbers(a->s + ab, ae - ab, b->s + bb, be - bb, k->human);
  } else if (k->general) {
    /* Non-numbers, then NaN, then numbers in order (GNU). */
    double x, y;
    int hx = general(a->s + ab, ae - ab, &x), hy = general(b->s + bb, be - bb, &y);
    int rx = !hx ? 0 : x != x ? 1 : 2, ry = !hy ? 0 : y != y ? 1 : 2;
    r = rx != ry ? (rx < ry ? -1 : 1) : rx < 2 ? 0 : x < y ? -1 : x > y;
  } else if (k->month) {
    r = month(a->s + ab, ae - ab) - month(b->s + bb, be - bb);
  } else if (k->version) {
    r = version_cmp(a->s + ab, ae - ab, b->s + bb, be - bb);
    r = r < 0 ? -1 : r > 0;
  } else {
    size_t i = ab, j = bb;
    r = 0;
    for (;;) {
      while (i < ae && ignored(k, (unsigned char)a->s[i])) i++;
      while (j < be && ignored(k, (unsigned char)b->s[j])) j++;
      if (i >= ae || j >= be) { r = (i < ae) - (j < be); break; }
      int ca = (unsigned char)a->s[i++], cb = (unsigned char)b->s[j++];
      if (k->fold) { ca = toupper(ca); cb = toupper(cb); }
      if (ca != cb) { r = ca < cb ? -1 : 1; break; }
    }
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
      case 'g': k->general = 1; break;
      case 'M': k->month = 1; break;
      case 'V': k->version = 1; break;
      case 'd': k->dict = 1; break;
      case 'i': k->printable = 1; break;
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
    k.general = global.general;
    k.month = global.month;
    k.version = global.version;
    k.dict = global.dict;
    k.printable = global.printable;
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
    {"zero-terminated", 0, 0, 'z'}, {"dictionary-order", 0, 0, 'd'}, {"general-numeric-sort", 0, 0, 'g'},
    {"ignore-nonprinting", 0, 0, 'i'}, {"month-sort", 0, 0, 'M'}, {"merge", 0, 0, 'm'},
    {"version-sort", 0, 0, 'V'}, {0, 0, 0, 0}};
  int c, check = 0;
  char eol = '\n';
  const char *output = NULL;
  char **keyspecs = NULL;
  int nspecs = 0;
  while ((c = opt_next(argc, argv, "bdfghiMmnrck:o:st:uzV", longs, 1)) != -1) {
    switch (c) {
      case 'b': global.blank_start = 1; break;
      case 'd': global.dict = 1; break;
      case 'g': global.general = 1; break;
      case 'i': global.printable = 1; break;
      case 'M': global.month = 1; break;
      case 'V': global.version = 1; break;
      case 'm': break;  /* merging sorted inputs gives what sorting them gives */
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
