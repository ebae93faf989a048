/* find: walk trees and evaluate an expression of tests and actions (POSIX find plus
 * GNU's -maxdepth, -mindepth, -iname, -path, -empty, -print0, -delete, -quit).
 * Directory entries are visited in byte order, so output is deterministic. */
#include "box.h"
#include "layerbox.h"
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_find[] =
  "Usage: find [-H] [-L] [-P] [starting-point...] [expression]\n\n"
  "Operators: ( EXPR )  ! EXPR  -not EXPR  EXPR1 -a EXPR2  EXPR1 -and EXPR2\n"
  "           EXPR1 -o EXPR2  EXPR1 -or EXPR2\n"
  "Options: -maxdepth LEVELS -mindepth LEVELS -depth -xdev\n"
  "Tests: -name PATTERN -iname PATTERN -path PATTERN -ipath PATTERN -type [bcdpfls]\n"
  "       -empty -newer FILE -perm [-/]MODE -size [+-]N[bckwMG] -user NAME -group NAME\n"
  "       -uid N -gid N -links N -inum N -mtime [+-]N -mmin [+-]N -true -false\n"
  "Actions: -print -print0 -delete -prune -quit -exec COMMAND ; -exec COMMAND {} +\n";

int parse_mode(const char *spec, mode_t base, int is_dir, mode_t umask_bits, mode_t *out);

enum kind {
  K_AND, K_OR, K_NOT, K_TRUE, K_FALSE, K_NAME, K_INAME, K_PATH, K_IPATH, K_TYPE, K_EMPTY, K_NEWER,
  K_PERM, K_SIZE, K_UID, K_GID, K_LINKS, K_INUM, K_MTIME, K_MMIN, K_PRINT, K_PRINT0, K_DELETE,
  K_PRUNE, K_QUIT, K_EXEC, K_EXEC_PLUS,
};

struct node {
  enum kind kind;
  struct node *l, *r;
  const char *s;
  char cmp;                /* '+', '-' or '=' for numeric tests; perm mode prefix */
  long long n;
  char unit;
  struct timespec t;
  char **argv;             /* -exec */
  int argc;
  char **pending;          /* -exec + */
  int npending, cappending;
  size_t pending_len;
};

static char **av;
static int ac, ap;
static int maxdepth = -1, mindepth = 0, depth_first, follow_all, follow_cmd;
static int has_action, status, quitting;
static time_t now;

static _Noreturn void missing(const char *pred) { die_msg(1, "missing argument to `%s'", pred); }

static struct node *node(enum kind k) {
  struct node *n = xmalloc(sizeof *n);
  memset(n, 0, sizeof *n);
  n->kind = k;
  return n;
}

static const char *arg_of(const char *pred) {
  if (ap >= ac) missing(pred);
  return av[ap++];
}

static long long number(const char *pred, const char *s, struct node *n) {
  n->cmp = '=';
  if (*s == '+' || *s == '-') n->cmp = *s++;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (end == s) die_msg(1, "invalid argument `%s' to `%s'", s, pred);
  if (*end && !(n->kind == K_SIZE && strchr("bckwMG", *end) && !end[1]))
    die_msg(1, "invalid argument `%s' to `%s'", s, pred);
  n->unit = *end ? *end : 'b';
  return v;
}

static struct node *parse_or(void);

static struct node *parse_primary(void) {
  if (ap >= ac) die_msg(1, "expected an expression");
  const char *a = av[ap++];
  if (!strcmp(a, "(")) {
    struct node *n = parse_or();
    if (ap >= ac || strcmp(av[ap], ")")) die_msg(1, "invalid expression; I was expecting to find a ')' somewhere but did not see one.");
    ap++;
    return n;
  }
  if (!strcmp(a, "!") || !strcmp(a, "-not")) {
    struct node *n = node(K_NOT);
    n->l = parse_primary();
    return n;
  }
  struct node *n;
  if (!strcmp(a, "-name")) { n = node(K_NAME); n->s = arg_of(a); return n; }
  if (!strcmp(a, "-iname")) { n = node(K_INAME); n->s = arg_of(a); return n; }
  if (!strcmp(a, "-path") || !strcmp(a, "-wholename")) { n = node(K_PATH); n->s = arg_of(a); return n; }
  if (!strcmp(a, "-ipath")) { n = node(K_IPATH); n->s = arg_of(a); return n; }
  if (!strcmp(a, "-type")) {
    n = node(K_TYPE);
    n->s = arg_of(a);
    for (const char *p = n->s; *p; p++)
      if (!strchr("bcdpfls,", *p)) die_msg(1, "Unknown argument to -type: %c", *p);
    return n;
  }
  if (!strcmp(a, "-empty")) return node(K_EMPTY);
  if (!strcmp(a, "-true")) return node(K_TRUE);
  if (!strcmp(a, "-false")) return node(K_FALSE);
  if (!strcmp(a, "-newer")) {
    n = node(K_NEWER);
    const char *f = arg_of(a);
    struct stat st;
    if (xstat(f, &st) != 0) die_err(1, errno, "%s", q(f));
    n->t = st.st_mtim;
    return n;
  }
  if (!strcmp(a, "-perm")) {
    n = node(K_PERM);
    const char *m = arg_of(a);
    n->cmp = '=';
    if (*m == '-' || *m == '/') n->cmp = *m++;
    mode_t mode;
    if (parse_mode(m, 0, 0, 0, &mode) != 0) die_msg(1, "invalid mode %s", q(m));
    n->n = mode;
    return n;
  }
  if (!strcmp(a, "-size")) { n = node(K_SIZE); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-uid")) { n = node(K_UID); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-gid")) { n = node(K_GID); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-links")) { n = node(K_LINKS); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-inum")) { n = node(K_INUM); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-mtime")) { n = node(K_MTIME); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-mmin")) { n = node(K_MMIN); n->n = number(a, arg_of(a), n); return n; }
  if (!strcmp(a, "-user") || !strcmp(a, "-group")) {
    const char *name = arg_of(a);
    int user = a[1] == 'u';
    long id = user ? user_id(name) : group_id(name);
    if (id < 0) die_msg(1, "%s is not the name of a known %s", q(name), user ? "user" : "group");
    n = node(user ? K_UID : K_GID);
    n->cmp = '=';
    n->n = id;
    return n;
  }
  if (!strcmp(a, "-print")) { has_action = 1; return node(K_PRINT); }
  if (!strcmp(a, "-print0")) { has_action = 1; return node(K_PRINT0); }
  if (!strcmp(a, "-delete")) { has_action = 1; depth_first = 1; return node(K_DELETE); }
  if (!strcmp(a, "-prune")) return node(K_PRUNE);
  if (!strcmp(a, "-quit")) return node(K_QUIT);
  if (!strcmp(a, "-exec") || !strcmp(a, "-ok")) {
    has_action = 1;
    int start = ap;
    while (ap < ac && strcmp(av[ap], ";") && !(strcmp(av[ap], "+") == 0 && ap > start && !strcmp(av[ap - 1], "{}"))) ap++;
    if (ap >= ac || ap == start) missing(a);
    n = node(strcmp(av[ap], "+") ? K_EXEC : K_EXEC_PLUS);
    n->argc = ap - start;
    n->argv = av + start;
    ap++;
    return n;
  }
  /* Options that may appear among the expression. */
  if (!strcmp(a, "-maxdepth") || !strcmp(a, "-mindepth")) {
    const char *v = arg_of(a);
    long long d = parse_count(v, 0);
    if (d < 0) die_msg(1, "Expected a positive decimal integer argument to %s, but got %s", a, q(v));
    if (a[2] == 'a') maxdepth = (int)d; else mindepth = (int)d;
    return node(K_TRUE);
  }
  if (!strcmp(a, "-depth") || !strcmp(a, "-d")) { depth_first = 1; return node(K_TRUE); }
  if (!strcmp(a, "-xdev") || !strcmp(a, "-mount") || !strcmp(a, "-noleaf") || !strcmp(a, "-follow")) {
    if (a[1] == 'f') follow_all = 1;
    return node(K_TRUE);
  }
  if (a[0] == '-' && a[1]) die_msg(1, "unknown predicate `%s'", a);
  die_msg(1, "paths must precede expression: `%s'", a);
}

static struct node *parse_and(void) {
  struct node *l = parse_primary();
  while (ap < ac && strcmp(av[ap], "-o") && strcmp(av[ap], "-or") && strcmp(av[ap], ")")) {
    if (!strcmp(av[ap], "-a") || !strcmp(av[ap], "-and")) ap++;
    struct node *n = node(K_AND);
    n->l = l;
    n->r = parse_primary();
    l = n;
  }
  return l;
}

static struct node *parse_or(void) {
  struct node *l = parse_and();
  while (ap < ac && (!strcmp(av[ap], "-o") || !strcmp(av[ap], "-or"))) {
    ap++;
    struct node *n = node(K_OR);
    n->l = l;
    n->r = parse_and();
    l = n;
  }
  return l;
}

static int cmp_num(const struct node *n, long long v) {
  return n->cmp == '+' ? v > n->n : n->cmp == '-' ? v < n->n : v == n->n;
}

static const char *base_name(const char *path) {
  size_t len = strlen(path);
  static char buf[4096];
  while (len > 1 && path[len - 1] == '/') len--;
  size_t start = len;
  while (start > 0 && path[start - 1] != '/') start--;
  snprintf(buf, sizeof buf, "%.*s", (int)(len - start), path + start);
  return buf;
}

static void flush_exec(struct node *n) {
  if (!n->npending) return;
  int braces = 0;
  for (int i = 0; i < n->argc; i++) braces += !strcmp(n->argv[i], "{}");
  char **v = xmalloc(sizeof *v * (size_t)(n->argc + n->npending + 1));
  int k = 0;
  for (int i = 0; i < n->argc; i++) {
    if (!strcmp(n->argv[i], "{}") && i == n->argc - 1) {
      for (int j = 0; j < n->npending; j++) v[k++] = n->pending[j];
    } else v[k++] = n->argv[i];
  }
  v[k] = NULL;
  int st = run_program(v, NULL);
  if (st < 0) { warn_err(errno, "%s", q(v[0])); status = 1; }
  else if (st) status = 1;
  for (int j = 0; j < n->npending; j++) free(n->pending[j]);
  n->npending = 0;
  n->pending_len = 0;
  free(v);
  (void)braces;
}

static int run_exec(struct node *n, const char *path) {
  char **v = xmalloc(sizeof *v * (size_t)(n->argc + 1));
  for (int i = 0; i < n->argc; i++) {
    const char *a = n->argv[i];
    const char *b = strstr(a, "{}");
    if (!b) { v[i] = (char *)a; continue; }
    /* Every "{}" inside an argument is replaced (GNU). */
    size_t cap = strlen(a) + 1;
    char *out = xmalloc(cap), *o = out;
    for (const char *p = a; *p;) {
      if (p[0] == '{' && p[1] == '}') {
        size_t l = strlen(path), at = (size_t)(o - out);
        out = xrealloc(out, cap += l);
        o = out + at;
        memcpy(o, path, l);
        o += l;
        p += 2;
      } else *o++ = *p++;
    }
    *o = 0;
    v[i] = out;
  }
  v[n->argc] = NULL;
  int st = run_program(v, NULL);
  if (st < 0) { warn_err(errno, "%s", q(v[0])); status = 1; }
  free(v);
  return st == 0;
}

static int eval(struct node *n, const char *path, const struct stat *st, int *prune) {
  switch (n->kind) {
    case K_AND: return eval(n->l, path, st, prune) && eval(n->r, path, st, prune);
    case K_OR: return eval(n->l, path, st, prune) || eval(n->r, path, st, prune);
    case K_NOT: return !eval(n->l, path, st, prune);
    case K_TRUE: return 1;
    case K_FALSE: return 0;
    case K_NAME: return fnmatch(n->s, base_name(path), 0) == 0;
    case K_INAME: return fnmatch(n->s, base_name(path), FNM_CASEFOLD) == 0;
    case K_PATH: return fnmatch(n->s, path, 0) == 0;
    case K_IPATH: return fnmatch(n->s, path, FNM_CASEFOLD) == 0;
    case K_TYPE: {
      char t = S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' : S_ISREG(st->st_mode) ? 'f' :
               S_ISCHR(st->st_mode) ? 'c' : S_ISBLK(st->st_mode) ? 'b' : S_ISFIFO(st->st_mode) ? 'p' : 's';
      return strchr(n->s, t) != NULL;
    }
    case K_EMPTY:
      if (S_ISREG(st->st_mode)) return st->st_size == 0;
      if (S_ISDIR(st->st_mode)) {
        char **names;
        int k = list_dir(path, &names);
        if (k < 0) return 0;
        free_names(names, k);
        return k == 0;
      }
      return 0;
    case K_NEWER:
      return st->st_mtim.tv_sec > n->t.tv_sec || (st->st_mtim.tv_sec == n->t.tv_sec && st->st_mtim.tv_nsec > n->t.tv_nsec);
    case K_PERM: {
      mode_t m = st->st_mode & 07777, want = (mode_t)n->n;
      if (n->cmp == '-') return (m & want) == want;
      if (n->cmp == '/') return want == 0 || (m & want) != 0;
      return m == want;
    }
    case K_SIZE: {
      long long unit = n->unit == 'c' ? 1 : n->unit == 'w' ? 2 : n->unit == 'k' ? 1024 :
                       n->unit == 'M' ? 1048576 : n->unit == 'G' ? 1073741824LL : 512;
      long long size = ((long long)st->st_size + unit - 1) / unit;
      return cmp_num(n, size);
    }
    case K_UID: return cmp_num(n, st->st_uid);
    case K_GID: return cmp_num(n, st->st_gid);
    case K_LINKS: return cmp_num(n, (long long)st->st_nlink);
    case K_INUM: return cmp_num(n, (long long)st->st_ino);
    case K_MTIME: return cmp_num(n, (long long)((now - st->st_mtim.tv_sec) / 86400));
    case K_MMIN: return cmp_num(n, (long long)((now - st->st_mtim.tv_sec + 59) / 60));
    case K_PRINT: printf("%s\n", path); return 1;
    case K_PRINT0: fputs(path, stdout); putchar(0); return 1;
    case K_DELETE: {
      int r = S_ISDIR(st->st_mode) ? rmdir(path) : unlink(path);
      if (r != 0) { warn_err(errno, "cannot delete %s", q(path)); status = 1; return 0; }
      return 1;
    }
    case K_PRUNE: *prune = 1; return 1;
    case K_QUIT: quitting = 1; return 1;
    case K_EXEC: return run_exec(n, path);
    case K_EXEC_PLUS: {
      if (n->npending == n->cappending) n->pending = xrealloc(n->pending, sizeof *n->pending * (size_t)(n->cappending = n->cappending ? n->cappending * 2 : 64));
      n->pending[n->npending++] = xstrdup(path);
      n->pending_len += strlen(path) + 1;
      if (n->pending_len > 65536) flush_exec(n);
      return 1;
    }
  }
  return 0;
}

static void flush_all(struct node *n) {
  if (!n) return;
  if (n->kind == K_EXEC_PLUS) flush_exec(n);
  flush_all(n->l);
  flush_all(n->r);
}

static struct node *expr;

static void visit(const char *path, int depth, int top) {
  if (quitting) return;
  struct stat st;
  int follow = follow_all || (top && follow_cmd);
  if ((follow ? xstat(path, &st) : xlstat(path, &st)) != 0) {
    if (follow && xlstat(path, &st) == 0) {
      /* a dangling link under -L is reported as the link itself */
    } else {
      warn_err(errno, "%s", q(path));
      status = 1;
      return;
    }
  }
  int prune = 0;
  int matched_here = depth >= mindepth;
  if (!depth_first && matched_here) {
    if (eval(expr, path, &st, &prune) && !has_action) printf("%s\n", path);
  }
  if (S_ISDIR(st.st_mode) && !prune && (maxdepth < 0 || depth < maxdepth) && !quitting) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) {
      warn_err(errno, "%s", q(path));
      status = 1;
    } else {
      for (int i = 0; i < n && !quitting; i++) {
        char *child = path_join(path, names[i]);
        visit(child, depth + 1, 0);
        free(child);
      }
      free_names(names, n);
    }
  }
  if (depth_first && matched_here && !quitting) {
    if (eval(expr, path, &st, &prune) && !has_action) printf("%s\n", path);
  }
}

APPLET(find) {
  now = time(NULL);
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "-L")) follow_all = 1;
    else if (!strcmp(argv[i], "-H")) follow_cmd = 1;
    else if (!strcmp(argv[i], "-P")) follow_all = follow_cmd = 0;
    else break;
  }
  int first_path = i;
  while (i < argc && !(argv[i][0] == '-' && argv[i][1]) && strcmp(argv[i], "(") && strcmp(argv[i], "!")) i++;
  int npaths = i - first_path;
  av = argv;
  ac = argc;
  ap = i;
  expr = ap < ac ? parse_or() : node(K_TRUE);
  if (ap < ac) die_msg(1, "unexpected extra predicate '%s'", av[ap]);
  static char *dot[] = {"."};
  char **paths = npaths ? argv + first_path : dot;
  if (!npaths) npaths = 1;
  for (int k = 0; k < npaths && !quitting; k++) visit(paths[k], 0, 1);
  flush_all(expr);
  return status;
}
