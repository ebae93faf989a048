/* wc: line, word and byte counts with GNU wc's column widths. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

const char help_wc[] =
  "Usage: wc [OPTION]... [FILE]...\n"
  "Print newline, word, and byte counts for each FILE, and a total line if\n"
  "more than one FILE is specified.\n\n"
  "  -c, --bytes            print the byte counts\n"
  "  -m, --chars            print the character counts\n"
  "  -l, --lines            print the newline counts\n"
  "  -L, --max-line-length  print the maximum display width\n"
  "  -w, --words            print the word counts\n";

struct counts { unsigned long long lines, words, bytes, chars, maxlen; int ok; struct stat st; };

static void count_fd(int fd, struct counts *c) {
  static unsigned char buf[65536];
  int in_word = 0;
  unsigned long long col = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; c->ok = 0; return; }
    if (r == 0) break;
    c->bytes += (unsigned long long)r;
    for (ssize_t i = 0; i < r; i++) {
      unsigned char ch = buf[i];
      if ((ch & 0xc0) != 0x80) c->chars++;
      if (ch == '\n') {
        c->lines++;
        if (col > c->maxlen) c->maxlen = col;
        col = 0;
      } else if (ch == '\t') col = (col + 8) & ~7ull;
      else if ((ch & 0xc0) != 0x80 && ch >= 32) col++;
      if (isspace(ch)) in_word = 0;
      else if (ch >= 32 || ch >= 0x80) {
        if (!in_word) c->words++;
        in_word = 1;
      }
    }
  }
  if (col > c->maxlen) c->maxlen = col;
}

static int want_l, want_w, want_c, want_m, want_L;

static void print(const struct counts *c, int width, const char *name) {
  const char *sep = "";
  if (want_l) { printf("%s%*llu", sep, width, c->lines); sep = " "; }
  if (want_w) { printf("%s%*llu", sep, width, c->words); sep = " "; }
  if (want_m) { printf("%s%*llu", sep, width, c->chars); sep = " "; }
  if (want_c) { printf("%s%*llu", sep, width, c->bytes); sep = " "; }
  if (want_L) { printf("%s%*llu", sep, width, c->maxlen); sep = " "; }
  if (name) printf(" %s", name);
  putchar('\n');
}

APPLET(wc) {
  static const struct option longs[] = {
    {"bytes", 0, 0, 'c'}, {"chars", 0, 0, 'm'}, {"lines", 0, 0, 'l'}, {"max-line-length", 0, 0, 'L'},
    {"words", 0, 0, 'w'}, {0, 0, 0, 0}};
  int c;
  while ((c = opt_next(argc, argv, "cmlLw", longs, 1)) != -1) {
    switch (c) {
      case 'c': want_c = 1; break;
      case 'm': want_m = 1; break;
      case 'l': want_l = 1; break;
      case 'L': want_L = 1; break;
      case 'w': want_w = 1; break;
    }
  }
  if (!(want_c || want_m || want_l || want_L || want_w)) want_l = want_w = want_c = 1;
  int nfiles = optind < argc ? argc - optind : 1;
  char **files = optind < argc ? argv + optind : NULL;
  struct counts *v = xmalloc(sizeof *v * (size_t)nfiles), total = {0};
  int status = 0;
  for (int i = 0; i < nfiles; i++) {
    struct counts *k = &v[i];
    memset(k, 0, sizeof *k);
    const char *name = files ? files[i] : "-";
    int fd = open_input(name);
    if (fd < 0) { warn_err(errno, "%s", name); status = 1; continue; }
    k->ok = 1;
    if (fstat(fd, &k->st) != 0) k->st.st_mode = S_IFIFO;
    if (S_ISDIR(k->st.st_mode)) {
      warn_err(EISDIR, "%s", name);
      k->ok = 2;
    } else count_fd(fd, k);
    if (fd) close(fd);
    if (!k->ok) { warn_err(errno, "%s", name); status = 1; }
    if (k->ok == 2) status = 1;
    total.lines += k->lines; total.words += k->words; total.bytes += k->bytes; total.chars += k->chars;
    if (k->maxlen > total.maxlen) total.maxlen = k->maxlen;
  }
  /* GNU: the width fits the total size of the regular files (7 at least when any
   * input is not a regular file); a single count for a single input is unpadded. */
  int width = 1;
  int wanted = want_l + want_w + want_c + want_m + want_L;
  if (!(wanted == 1 && nfiles == 1)) {
    unsigned long long regular = 0;
    int min = 1;
    for (int i = 0; i < nfiles; i++) {
      if (!v[i].ok) continue;
      if (S_ISREG(v[i].st.st_mode)) regular += (unsigned long long)v[i].st.st_size;
      else min = 7;
    }
    for (; regular >= 10; regular /= 10) width++;
    if (width < min) width = min;
  }
  for (int i = 0; i < nfiles; i++) {
    if (v[i].ok != 1) continue;
    print(&v[i], width, files ? files[i] : NULL);
  }
  if (nfiles > 1) print(&total, width, "total");
  return status;
}
