/* printf: the format is reused until the arguments are consumed, as POSIX says. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_printf[] =
  "Usage: printf FORMAT [ARGUMENT]...\n"
  "Print ARGUMENT(s) according to FORMAT.\n\n"
  "FORMAT controls the output as in C printf, with \\NNN and \\xHH escapes,\n"
  "%b (ARGUMENT with backslash escapes) and %q (ARGUMENT quoted for the shell).\n";

static int status;

static long long to_int(const char *s) {
  if (*s == '\'' || *s == '"') return (unsigned char)s[1];
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 0);
  if (end == s || *end || errno) {
    if (end == s || errno) { warn_msg("%s: expected a numeric value", q(s)); }
    else warn_msg("%s: value not completely converted", q(s));
    status = 1;
  }
  return v;
}

static unsigned long long to_uint(const char *s) {
  if (*s == '-') return (unsigned long long)to_int(s);
  if (*s == '\'' || *s == '"') return (unsigned char)s[1];
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (end == s || *end || errno) {
    warn_msg(end == s ? "%s: expected a numeric value" : "%s: value not completely converted", q(s));
    status = 1;
  }
  return v;
}

static double to_double(const char *s) {
  if (*s == '\'' || *s == '"') return (unsigned char)s[1];
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end) { warn_msg("%s: expected a numeric value", q(s)); status = 1; }
  return v;
}

static void shell_quote(const char *s) {
  if (!*s) { fputs("''", stdout); return; }
  int plain = 1;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("_-./=+:,@%^", *p)) plain = 0;
  if (plain) { fputs(s, stdout); return; }
  putchar('\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'') fputs("'\\''", stdout); else putchar(*p);
  }
  putchar('\'');
}

/* Prints the format once; returns the number of arguments used, or -1 after \c. */
static int once(const char *fmt, int argc, char **argv) {
  int used = 0;
  for (const char *p = fmt; *p;) {
    if (*p == '\\') {
      char out[8];
      int stop = 0;
      char esc[6] = {'\\', 0};
      /* Take one escape sequence at most 4 chars long. */
      size_t len = 1;
      if (p[1] == 'x') { len = 2; while (len < 4 && isxdigit((unsigned char)p[len])) len++; }
      else if (p[1] >= '0' && p[1] <= '7') { len = 1; while (len < 4 && p[len] >= '0' && p[len] <= '7') len++; }
      else if (p[1]) len = 2;
      memcpy(esc, p, len);
      esc[len] = 0;
      size_t n = unescape(esc, out, &stop, 1);
      if (stop) return -1;
      fwrite(out, 1, n, stdout);
      p += len;
      continue;
    }
    if (*p != '%') { putchar(*p++); continue; }
    if (p[1] == '%') { putchar('%'); p += 2; continue; }
    /* Collect "%[flags][width][.prec]conv", where * takes an argument. */
    char spec[64];
    size_t sn = 0;
    spec[sn++] = *p++;
    while (*p && strchr("-+ #0", *p) && sn < 40) spec[sn++] = *p++;
    for (int part = 0; part < 2; part++) {
      if (part == 1) { if (*p != '.') break; spec[sn++] = *p++; }
      if (*p == '*') {
        p++;
        long long v = used < argc ? to_int(argv[used++]) : 0;
        sn += (size_t)snprintf(spec + sn, sizeof spec - sn, "%lld", v);
      } else {
        while (isdigit((unsigned char)*p) && sn < 50) spec[sn++] = *p++;
      }
    }
    while (*p && strchr("hlLqjzt", *p)) p++;
    char conv = *p;
    if (!conv) { warn_msg("%s: invalid conversion specification", q(spec)); status = 1; return -1; }
    p++;
    const char *arg = used < argc ? argv[used++] : NULL;
    switch (conv) {
      case 'd': case 'i':
        spec[sn++] = 'l'; spec[sn++] = 'l'; spec[sn++] = conv; spec[sn] = 0;
        printf(spec, arg ? to_int(arg) : 0LL);
        break;
      case 'u': case 'o': case 'x': case 'X':
        spec[sn++] = 'l'; spec[sn++] = 'l'; spec[sn++] = conv; spec[sn] = 0;
        printf(spec, arg ? to_uint(arg) : 0ULL);
        break;
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
        spec[sn++] = conv; spec[sn] = 0;
        printf(spec, arg ? to_double(arg) : 0.0);
        break;
      case 'c':
        spec[sn++] = 'c'; spec[sn] = 0;
        printf(spec, arg ? arg[0] : 0);
        break;
      case 's':
        spec[sn++] = 's'; spec[sn] = 0;
        printf(spec, arg ? arg : "");
        break;
      case 'b': {
        const char *s = arg ? arg : "";
        char *buf = xmalloc(strlen(s) + 1);
        int stop;
        size_t n = unescape(s, buf, &stop, 0);
        buf[n] = 0;
        spec[sn++] = 's'; spec[sn] = 0;
        printf(spec, buf);
        free(buf);
        if (stop) return -1;
        break;
      }
      case 'q':
        shell_quote(arg ? arg : "");
        break;
      default:
        warn_msg("%%%c: invalid conversion specification", conv);
        status = 1;
        return -1;
    }
  }
  return used;
}

APPLET(printf) {
  int i = 1;
  if (i < argc && !strcmp(argv[i], "--")) i++;
  if (i >= argc) usage_fail("missing operand");
  const char *fmt = argv[i++];
  argc -= i;
  argv += i;
  do {
    int used = once(fmt, argc, argv);
    if (used == 0 && argc > 0) warn_msg("warning: ignoring excess arguments, starting with %s", q(argv[0]));
    if (used <= 0) break;
    argc -= used;
    argv += used;
  } while (argc > 0);
  return status;
}
