/* test and [: POSIX's argument-count rules for up to four arguments, a
 * precedence parser (! over -a over -o) beyond that. Errors exit 2. */
#include "box.h"
#include "layerbox.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_bracket[] =
  "Usage: [ EXPRESSION ]\n"
  "Exit with the status determined by EXPRESSION.\n\n"
  "  ( EXPRESSION )   ! EXPRESSION   EXPR1 -a EXPR2   EXPR1 -o EXPR2\n"
  "  -n STRING  -z STRING  STRING1 = STRING2  STRING1 != STRING2  STRING1 < STRING2\n"
  "  INTEGER1 -eq|-ne|-lt|-le|-gt|-ge INTEGER2\n"
  "  FILE1 -ef|-nt|-ot FILE2\n"
  "  -b -c -d -e -f -g -G -h -k -L -O -p -r -s -S -t -u -w -x FILE\n";

static char **av;
static int ac, pos;

static _Noreturn void fail(const char *fmt, const char *arg) {
  fflush(stdout);
  fprintf(stderr, "%s: ", applet_name);
  fprintf(stderr, fmt, arg ? q(arg) : "");
  fputc('\n', stderr);
  exit(2);
}

static long long integer(const char *s) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  const char *start = p;
  if (*p == '-' || *p == '+') p++;
  if (!isdigit((unsigned char)*p)) fail("invalid integer %s", s);
  while (isdigit((unsigned char)*p)) p++;
  while (isspace((unsigned char)*p)) p++;
  if (*p) fail("invalid integer %s", s);
  return strtoll(start, NULL, 10);
}

static int access_ok(const struct stat *st, int bit) {
  unsigned uid = (unsigned)lb_getuid();
  if (uid == 0) {
    if (bit != 1) return 1;
    return S_ISDIR(st->st_mode) || (st->st_mode & 0111);
  }
  if (st->st_uid == uid) return (st->st_mode >> 6) & bit;
  unsigned groups[64];
  const char *name = user_name(uid);
  int n = user_groups(name, (unsigned)lb_getgid(), groups, 64);
  for (int i = 0; i < n; i++) if (groups[i] == st->st_gid) return (st->st_mode >> 3) & bit;
  return st->st_mode & bit;
}

static int is_unary(const char *s) {
  return s[0] == '-' && s[1] && !s[2] && strchr("bcdefgGhkLnOprsStuwxz", s[1]);
}

static int is_binary(const char *s) {
  static const char *const ops[] = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt",
                                    "-ge", "-nt", "-ot", "-ef", "-a", "-o", NULL};
  for (int i = 0; ops[i]; i++) if (!strcmp(s, ops[i])) return 1;
  return 0;
}

static int unary(const char *op, const char *arg) {
  struct stat st;
  switch (op[1]) {
    case 'n': return *arg != 0;
    case 'z': return *arg == 0;
    case 't': return isatty((int)integer(arg));
    case 'h': case 'L': return xlstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
  }
  if (xstat(arg, &st) != 0) return 0;
  switch (op[1]) {
    case 'b': return S_ISBLK(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'g': return (st.st_mode & S_ISGID) != 0;
    case 'G': return st.st_gid == (unsigned)lb_getgid();
    case 'k': return (st.st_mode & S_ISVTX) != 0;
    case 'O': return st.st_uid == (unsigned)lb_getuid();
    case 'p': return S_ISFIFO(st.st_mode);
    case 'r': return access_ok(&st, 4);
    case 's': return st.st_size > 0;
    case 'S': return S_ISSOCK(st.st_mode);
    case 'u': return (st.st_mode & S_ISUID) != 0;
    case 'w': return access_ok(&st, 2);
    case 'x': return access_ok(&st, 1);
  }
  return 0;
}

static int newer(const char *a, const char *b) {
  struct stat sa, sb;
  int ha = xstat(a, &sa) == 0, hb = xstat(b, &sb) == 0;
  if (!ha) return 0;
  if (!hb) return 1;
  if (sa.st_mtim.tv_sec != sb.st_mtim.tv_sec) return sa.st_mtim.tv_sec > sb.st_mtim.tv_sec;
  return sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec;
}

static int binary(const char *a, const char *op, const char *b) {
  if (!strcmp(op, "=") || !strcmp(op, "==")) return strcmp(a, b) == 0;
  if (!strcmp(op, "!=")) return strcmp(a, b) != 0;
  if (!strcmp(op, "<")) return strcmp(a, b) < 0;
  if (!strcmp(op, ">")) return strcmp(a, b) > 0;
  if (!strcmp(op, "-a")) return *a && *b;
  if (!strcmp(op, "-o")) return *a || *b;
  if (!strcmp(op, "-nt")) return newer(a, b);
  if (!strcmp(op, "-ot")) return newer(b, a);
  if (!strcmp(op, "-ef")) {
    struct stat sa, sb;
    return xstat(a, &sa) == 0 && xstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  long long x = integer(a), y = integer(b);
  if (!strcmp(op, "-eq")) return x == y;
  if (!strcmp(op, "-ne")) return x != y;
  if (!strcmp(op, "-lt")) return x < y;
  if (!strcmp(op, "-le")) return x <= y;
  if (!strcmp(op, "-gt")) return x > y;
  return x >= y;
}

static int expr(void);

static const char *peek(int k) { return pos + k < ac ? av[pos + k] : NULL; }

static int primary(void) {
  const char *a = peek(0);
  if (!a) fail("argument expected%s", NULL);
  if (!strcmp(a, "(")) {
    pos++;
    int v = expr();
    if (!peek(0) || strcmp(peek(0), ")")) fail("')' expected%s", NULL);
    pos++;
    return v;
  }
  if (peek(1) && is_binary(peek(1)) && strcmp(peek(1), "-a") && strcmp(peek(1), "-o") && peek(2)) {
    pos += 3;
    return binary(a, av[pos - 2], av[pos - 1]);
  }
  if (is_unary(a)) {
    if (!peek(1)) fail("%s: unary operator expected", a);
    pos += 2;
    return unary(a, av[pos - 1]);
  }
  pos++;
  return *a != 0;
}

static int negation(void) {
  if (peek(0) && !strcmp(peek(0), "!")) { pos++; return !negation(); }
  return primary();
}

static int conjunction(void) {
  int v = negation();
  while (peek(0) && !strcmp(peek(0), "-a")) { pos++; v = negation() && v; }
  return v;
}

static int expr(void) {
  int v = conjunction();
  while (peek(0) && !strcmp(peek(0), "-o")) { pos++; v = conjunction() || v; }
  return v;
}

/* POSIX: the meaning of 1-4 arguments is fixed by their count. */
static int eval(int from, int n) {
  char **a = av + from;
  switch (n) {
    case 0: return 0;
    case 1: return *a[0] != 0;
    case 2:
      if (!strcmp(a[0], "!")) return *a[1] == 0;
      if (is_unary(a[0])) return unary(a[0], a[1]);
      fail("%s: unary operator expected", a[0]);
    case 3:
      if (is_binary(a[1])) return binary(a[0], a[1], a[2]);
      if (!strcmp(a[0], "!")) return !eval(from + 1, 2);
      if (!strcmp(a[0], "(") && !strcmp(a[2], ")")) return *a[1] != 0;
      fail("%s: binary operator expected", a[1]);
    case 4:
      if (!strcmp(a[0], "!")) return !eval(from + 1, 3);
      if (!strcmp(a[0], "(") && !strcmp(a[3], ")")) return eval(from + 1, 2);
  }
  pos = from;
  int v = expr();
  if (pos < ac) fail("extra argument %s", av[pos]);
  return v;
}

static int run(int argc, char **argv) {
  av = argv + 1;
  ac = argc - 1;
  return eval(0, ac) ? 0 : 1;
}

APPLET(test) { return run(argc, argv); }

APPLET(bracket) {
  if (argc < 2 || strcmp(argv[argc - 1], "]")) {
    fflush(stdout);
    fprintf(stderr, "%s: missing ']'\n", applet_name);
    return 2;
  }
  return run(argc - 1, argv);
}
