/* head and tail. Both read the whole stream when they must count from the end. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_head[] =
  "Usage: head [OPTION]... [FILE]...\n"
  "Print the first 10 lines of each FILE to standard output.\n\n"
  "  -c, --bytes=[-]NUM       print the first NUM bytes of each file;\n"
  "                             with the leading '-', print all but the last NUM bytes\n"
  "  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;\n"
  "                             with the leading '-', print all but the last NUM lines\n"
  "  -q, --quiet, --silent    never print headers giving file names\n"
  "  -v, --verbose            always print headers giving file names\n";

const char help_tail[] =
  "Usage: tail [OPTION]... [FILE]...\n"
  "Print the last 10 lines of each FILE to standard output.\n\n"
  "  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to\n"
  "                             output starting with byte NUM of each file\n"
  "  -f, --follow             output appended data as the file grows\n"
  "  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;\n"
  "                             or use -n +NUM to output starting with line NUM\n"
  "  -q, --quiet, --silent    never output headers giving file names\n"
  "  -v, --verbose            always output headers giving file names\n";

/* Whole contents of an fd. */
static char *slurp(int fd, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n == cap) buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) { if (errno == EINTR) continue; free(buf); return NULL; }
    if (r == 0) break;
    n += (size_t)r;
  }
  *len = n;
  return buf;
}

/* Turns "-5" style options (head -5, tail -5, tail +5) into -n arguments. */
static void numeric_option(int *argc, char ***argv) {
  if (*argc < 2) return;
  char *a = (*argv)[1];
  if ((a[0] == '-' || a[0] == '+') && a[1] >= '0' && a[1] <= '9') {
    char **v = xmalloc(sizeof *v * (size_t)(*argc + 2));
    v[0] = (*argv)[0];
    v[1] = "-n";
    size_t l = strspn(a + 1, "0123456789");
    /* a trailing 'c' means bytes, 'l' lines */
    if (a[1 + l] == 'c') v[1] = "-c";
    v[2] = xasprintf("%s%.*s", a[0] == '+' ? "+" : "", (int)l, a + 1);
    memcpy(v + 3, *argv + 2, sizeof *v * (size_t)(*argc - 1));
    *argv = v;
    (*argc)++;
  }
}

/* Lines in a buffer; a last line without a newline counts. */
static unsigned long long count_lines(const char *buf, size_t len) {
  unsigned long long n = 0;
  for (size_t i = 0; i < len; i++) n += buf[i] == '\n';
  return n + (len && buf[len - 1] != '\n');
}

/* Offset just past the first k lines. */
static size_t line_offset(const char *buf, size_t len, unsigned long long k) {
  size_t p = 0;
  while (k-- && p < len) {
    const char *nl = memchr(buf + p, '\n', len - p);
    p = nl ? (size_t)(nl - buf) + 1 : len;
  }
  return p;
}

/* head -n N / -c N: stop reading as soon as enough was written (`yes | head`). */
static int head_stream(int fd, int unit, unsigned long long count) {
  static char buf[65536];
  while (count) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (r == 0) break;
    size_t take = 0;
    if (unit == 'c') take = (unsigned long long)r < count ? (size_t)r : (size_t)count, count -= take;
    else {
      while (take < (size_t)r && count) {
        char *nl = memchr(buf + take, '\n', (size_t)r - take);
        if (!nl) { take = (size_t)r; break; }
        take = (size_t)(nl - buf) + 1;
        count--;
      }
    }
    fwrite(buf, 1, take, stdout);
  }
  return 0;
}

/* Polls the files once a second for appended data; runs until the process is killed. */
static _Noreturn void follow_files(int *fds, const char **names, int n, int show_headers) {
  static char buf[65536];
  int last = n - 1;
  for (;;) {
    fflush(stdout);
    int any = 0;
    for (int i = 0; i < n; i++) {
      ssize_t r = read(fds[i], buf, sizeof buf);
      if (r <= 0) continue;
      any = 1;
      if (show_headers && i != last) { printf("\n==> %s <==\n", names[i]); last = i; }
      fwrite(buf, 1, (size_t)r, stdout);
    }
    if (!any) {
      struct timespec ts = {1, 0};
      nanosleep(&ts, NULL);
    }
  }
}

static int headers(int n, int quiet, int verbose) { return verbose || (!quiet && n > 1); }

/* mode: 'n' lines or 'c' bytes; from_end: all but the last count (head) or
 * start at count (tail +N). */
static int run(int argc, char **argv, int is_tail) {
  numeric_option(&argc, &argv);
  static const struct option longs[] = {
    {"bytes", 1, 0, 'c'}, {"lines", 1, 0, 'n'}, {"quiet", 0, 0, 'q'}, {"silent", 0, 0, 'q'},
    {"verbose", 0, 0, 'v'}, {"follow", 0, 0, 'f'}, {0, 0, 0, 0}};
  int c, quiet = 0, verbose = 0, unit = 'n', plus = 0, minus = 0, follow = 0;
  long long count = 10;
  while ((c = opt_next(argc, argv, is_tail ? "c:n:qvf" : "c:n:qv", longs, 1)) != -1) {
    switch (c) {
      case 'c': case 'n': {
        unit = c;
        const char *s = optarg;
        plus = minus = 0;
        if (*s == '+') { plus = 1; s++; }
        else if (*s == '-') { minus = 1; s++; }
        count = parse_count(s, 1);
        if (count < 0)
          die_msg(1, "invalid number of %s: %s", c == 'c' ? "bytes" : "lines", q(optarg));
        break;
      }
      case 'q': quiet = 1; verbose = 0; break;
      case 'v': verbose = 1; quiet = 0; break;
      case 'f': follow = 1; break;
    }
  }
  /* tail -f keeps each file open and prints what is appended. */
  int *kept = xmalloc(sizeof(int) * (size_t)(argc + 1));
  const char **kept_names = xmalloc(sizeof(char *) * (size_t)(argc + 1));
  int nkept = 0;
  static char *dash[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dash;
  int nfiles = optind < argc ? argc - optind : 1, status = 0;
  for (int i = 0; i < nfiles; i++) {
    const char *name = files[i];
    int fd = open_input(name);
    if (fd < 0) {
      warn_err(errno, "cannot open %s for reading", q(name));
      status = 1;
      continue;
    }
    if (headers(nfiles, quiet, verbose))
      printf("%s==> %s <==\n", i ? "\n" : "", strcmp(name, "-") ? name : "standard input");
    if (!is_tail && !minus) {
      if (head_stream(fd, unit, (unsigned long long)count) != 0) { warn_err(errno, "error reading %s", q(name)); status = 1; }
      if (fd) close(fd);
      continue;
    }
    size_t len;
    char *buf = slurp(fd, &len);
    /* GNU ignores -f when reading a pipe. */
    struct stat st;
    if (follow && fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode)) {
      kept[nkept] = fd;
      kept_names[nkept++] = name;
    } else if (fd) close(fd);
    if (!buf) {
      warn_err(errno, "error reading %s", q(name));
      status = 1;
      continue;
    }
    size_t start = 0, end = len;
    if (unit == 'c') {
      size_t k = (size_t)count;
      if (!is_tail) end = minus ? (k < len ? len - k : 0) : (k < len ? k : len);
      else if (plus) start = k ? (k - 1 < len ? k - 1 : len) : 0;
      else start = k < len ? len - k : 0;
    } else {
      unsigned long long total = count_lines(buf, len), k = (unsigned long long)count;
      if (!is_tail) end = line_offset(buf, len, minus ? (total > k ? total - k : 0) : k);
      else if (plus) start = line_offset(buf, len, k ? k - 1 : 0);
      else start = line_offset(buf, len, total > k ? total - k : 0);
    }
    fwrite(buf + start, 1, end - start, stdout);
    free(buf);
  }
  if (nkept) follow_files(kept, kept_names, nkept, headers(nfiles, quiet, verbose));
  return status;
}

APPLET(head) { return run(argc, argv, 0); }
APPLET(tail) { return run(argc, argv, 1); }
