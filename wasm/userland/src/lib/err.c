/* Diagnostics in the GNU coreutils style: "ls: cannot access 'x': No such file or directory". */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *applet_name = "box";
int usage_status = 1;

static void vmsg(int err, const char *fmt, va_list ap) {
  fflush(stdout);
  fprintf(stderr, "%s: ", applet_name);
  vfprintf(stderr, fmt, ap);
  if (err) fprintf(stderr, ": %s", strerror(err));
  fputc('\n', stderr);
}

void warn_msg(const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vmsg(0, fmt, ap); va_end(ap);
}

void warn_err(int err, const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vmsg(err, fmt, ap); va_end(ap);
}

void die_msg(int status, const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vmsg(0, fmt, ap); va_end(ap);
  exit(status);
}

void die_err(int status, int err, const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vmsg(err, fmt, ap); va_end(ap);
  exit(status);
}

void usage_fail(const char *fmt, ...) {
  va_list ap; va_start(ap, fmt); vmsg(0, fmt, ap); va_end(ap);
  fprintf(stderr, "Try '%s --help' for more information.\n", applet_name);
  exit(usage_status);
}

const char *q(const char *s) {
  static char *bufs[8];
  static int next;
  size_t extra = 0;
  for (const char *p = s; *p; p++) if (*p == '\'') extra += 3;
  char *b = bufs[next] = xrealloc(bufs[next], strlen(s) + extra + 3);
  next = (next + 1) % 8;
  char *o = b;
  *o++ = '\'';
  for (const char *p = s; *p; p++) {
    if (*p == '\'') { memcpy(o, "'\\''", 4); o += 4; } else *o++ = *p;
  }
  *o++ = '\'';
  *o = 0;
  return b;
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die_msg(1, "memory exhausted");
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die_msg(1, "memory exhausted");
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

int finish(int status) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    int e = errno;
    if (e == EPIPE) return status ? status : 1;
    fprintf(stderr, "%s: write error", applet_name);
    if (e) fprintf(stderr, ": %s", strerror(e));
    fputc('\n', stderr);
    return 1;
  }
  return status;
}
