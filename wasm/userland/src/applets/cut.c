/* cut: bytes, characters (the same in the C locale) or fields. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_cut[] =
  "Usage: cut OPTION... [FILE]...\n"
  "Print selected parts of lines from each FILE to standard output.\n\n"
  "  -b, --bytes=LIST        select only these bytes\n"
  "  -c, --characters=LIST   select only these characters\n"
  "  -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter\n"
  "  -f, --fields=LIST       select only these fields\n"
  "  -s, --only-delimited    do not print lines not containing delimiters\n"
  "      --complement        complement the set of selected bytes, characters or fields\n"
  "      --output-delimiter=STRING  use STRING as the output delimiter\n\n"
  "Each LIST is made up of one range, or many ranges separated by commas: N, N-, N-M, -M.\n";

struct range { long long lo, hi; };
static struct range *ranges;
static int nranges, complement;

static int cmp_range(const void *a, const void *b) {
  const struct range *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void parse_list(const char *list) {
  char *copy = xstrdup(list);
  for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
    struct range r;
    char *dash = strchr(tok, '-'), *end;
    if (!dash) {
      r.lo = r.hi = strtoll(tok, &end, 10);
      if (*end || end == tok) usage_fail("invalid byte/character position %s", q(tok));
    } else {
      r.lo = dash == tok ? 1 : strtoll(tok, &end, 10);
      if (dash != tok && end != dash) usage_fail("invalid byte/character position %s", q(tok));
      r.hi = dash[1] ? strtoll(dash + 1, &end, 10) : -1;
      if (dash[1] && *end) usage_fail("invalid byte/character position %s", q(tok));
      if (dash == tok && !dash[1]) usage_fail("invalid range with no endpoint: -");
      if (r.hi >= 0 && r.hi < r.lo) usage_fail("invalid decreasing range");
    }
    if (r.lo < 1) usage_fail(dash ? "invalid range" : "fields and positions are numbered from 1");
    if (r.hi < 0) r.hi = 0x7fffffffffffffffLL;
    ranges = xrealloc(ranges, sizeof *ranges * (size_t)(nranges + 1));
    ranges[nranges++] = r;
  }
  free(copy);
  if (!nranges) usage_fail("missing list of byte/character positions");
  qsort(ranges, (size_t)nranges, sizeof *ranges, cmp_range);
}

static int selected(long long i) {
  int in = 0;
  for (int k = 0; k < nranges && !in; k++) in = i >= ranges[k].lo && i <= ranges[k].hi;
  return complement ? !in : in;
}

APPLET(cut) {
  enum { COMPLEMENT = 256, OUTDELIM };
  static const struct option longs[] = {
    {"bytes", 1, 0, 'b'}, {"characters", 1, 0, 'c'}, {"delimiter", 1, 0, 'd'}, {"fields", 1, 0, 'f'},
    {"only-delimited", 0, 0, 's'}, {"complement", 0, 0, COMPLEMENT}, {"output-delimiter", 1, 0, OUTDELIM},
    {0, 0, 0, 0}};
  int c, mode = 0, only = 0;
  char delim = '\t';
  const char *outdelim = NULL, *list = NULL;
  while ((c = opt_next(argc, argv, "b:c:d:f:sn", longs, 1)) != -1) {
    switch (c) {
      case 'b': case 'c': case 'f':
        if (mode) usage_fail("only one type of list may be specified");
        mode = c == 'c' ? 'b' : c;
        list = optarg;
        break;
      case 'd':
        if (strlen(optarg) > 1) usage_fail("the delimiter must be a single character");
        delim = optarg[0];
        break;
      case 's': only = 1; break;
      case COMPLEMENT: complement = 1; break;
      case OUTDELIM: outdelim = optarg; break;
    }
  }
  if (!mode) usage_fail("you must specify a list of bytes, characters, or fields");
  parse_list(list);
  char dstr[2] = {delim, 0};
  if (!outdelim) outdelim = mode == 'f' ? dstr : "";
  static char *dash[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dash;
  int nfiles = optind < argc ? argc - optind : 1, status = 0;
  char *line = NULL;
  size_t cap = 0;
  for (int i = 0; i < nfiles; i++) {
    FILE *in = strcmp(files[i], "-") ? fopen(files[i], "r") : stdin;
    if (!in) { warn_err(errno, "%s", files[i]); status = 1; continue; }
    ssize_t r;
    while ((r = getline(&line, &cap, in)) >= 0) {
      size_t len = (size_t)r;
      int nl = len && line[len - 1] == '\n';
      if (nl) len--;
      if (mode == 'b') {
        int first = 1;
        long long prev = -2;
        for (size_t k = 0; k < len; k++) {
          if (!selected((long long)k + 1)) continue;
          /* --output-delimiter separates non-adjacent ranges */
          if (!first && *outdelim && prev != (long long)k) fputs(outdelim, stdout);
          putchar(line[k]);
          first = 0;
          prev = (long long)k + 1;
        }
      } else {
        if (!memchr(line, delim, len)) {
          if (!only) fwrite(line, 1, len, stdout);
          else continue;
        } else {
          long long field = 1;
          size_t start = 0;
          int first = 1;
          for (size_t k = 0; k <= len; k++) {
            if (k < len && line[k] != delim) continue;
            if (selected(field)) {
              if (!first) fputs(outdelim, stdout);
              fwrite(line + start, 1, k - start, stdout);
              first = 0;
            }
            field++;
            start = k + 1;
          }
        }
      }
      putchar('\n');
    }
    if (in != stdin) fclose(in);
  }
  free(line);
  return status;
}
