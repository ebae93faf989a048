/* cat: concatenate files; -n -b -s -E -T -v -A as in GNU cat. */
#include "box.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

const char help_cat[] =
  "Usage: cat [OPTION]... [FILE]...\n"
  "Concatenate FILE(s) to standard output. With no FILE, or when FILE is -, read standard input.\n\n"
  "  -A, --show-all           equivalent to -vET\n"
  "  -b, --number-nonblank    number nonempty output lines, overrides -n\n"
  "  -e                       equivalent to -vE\n"
  "  -E, --show-ends          display $ at end of each line\n"
  "  -n, --number             number all output lines\n"
  "  -s, --squeeze-blank      suppress repeated empty output lines\n"
  "  -t                       equivalent to -vT\n"
  "  -T, --show-tabs          display TAB characters as ^I\n"
  "  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB\n";

static int number, nonblank, squeeze, ends, tabs, nonprint;
static long long lineno;
static int at_bol = 1, blank_run;

static void cooked(FILE *in) {
  int c;
  while ((c = getc(in)) != EOF) {
    if (at_bol) {
      if (c == '\n') {
        if (squeeze && blank_run) continue;
        blank_run = 1;
      } else blank_run = 0;
      if (number && !(nonblank && c == '\n')) printf("%6lld\t", ++lineno);
    }
    at_bol = c == '\n';
    if (c == '\n') { if (ends) putchar('$'); putchar('\n'); continue; }
    if (c == '\t' && tabs) { fputs("^I", stdout); continue; }
    if (nonprint && c != '\t') {
      if (c >= 128) { fputs("M-", stdout); c -= 128; }
      if (c < 32) { putchar('^'); putchar(c + 64); continue; }
      if (c == 127) { fputs("^?", stdout); continue; }
    }
    putchar(c);
  }
}

APPLET(cat) {
  static const struct option longs[] = {
    {"show-all", 0, 0, 'A'}, {"number-nonblank", 0, 0, 'b'}, {"show-ends", 0, 0, 'E'},
    {"number", 0, 0, 'n'}, {"squeeze-blank", 0, 0, 's'}, {"show-tabs", 0, 0, 'T'},
    {"show-nonprinting", 0, 0, 'v'}, {0, 0, 0, 0}};
  int c;
  while ((c = opt_next(argc, argv, "AbeEnstTuv", longs, 1)) != -1) {
    switch (c) {
      case 'A': nonprint = ends = tabs = 1; break;
      case 'b': number = nonblank = 1; break;
      case 'e': nonprint = ends = 1; break;
      case 'E': ends = 1; break;
      case 'n': number = 1; break;
      case 's': squeeze = 1; break;
      case 't': nonprint = tabs = 1; break;
      case 'T': tabs = 1; break;
      case 'v': nonprint = 1; break;
    }
  }
  int raw = !(number || squeeze || ends || tabs || nonprint);
  static char *dash[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dash;
  int n = optind < argc ? argc - optind : 1, status = 0;
  for (int i = 0; i < n; i++) {
    int fd = open_input(files[i]);
    if (fd < 0) { warn_err(errno, "%s", files[i]); status = 1; continue; }
    struct stat st;
    if (fd && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      warn_err(EISDIR, "%s", files[i]);
      close(fd);
      status = 1;
      continue;
    }
    if (raw) {
      fflush(stdout);
      if (copy_fd(fd, 1) < 0) { warn_err(errno, "%s", files[i]); status = 1; }
      if (fd) close(fd);
    } else {
      FILE *in = fd ? fdopen(fd, "r") : stdin;
      cooked(in);
      if (ferror(in)) { warn_err(errno, "%s", files[i]); status = 1; }
      if (fd) fclose(in);
      else clearerr(in);
    }
  }
  return status;
}
