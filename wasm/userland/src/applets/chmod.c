/* chmod, and the mode parser that mkdir -m shares. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_chmod[] =
  "Usage: chmod [OPTION]... MODE[,MODE]... FILE...\n"
  "  or:  chmod [OPTION]... OCTAL-MODE FILE...\n"
  "Change the mode of each FILE to MODE.\n\n"
  "  -c, --changes          like verbose but report only when a change is made\n"
  "  -f, --silent, --quiet  suppress most error messages\n"
  "  -v, --verbose          output a diagnostic for every file processed\n"
  "  -R, --recursive        change files and directories recursively\n\n"
  "Each MODE is of the form '[ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=][0-7]+'.\n";

/* Computes the new mode from a symbolic or octal `spec` (chmod(1) grammar).
 * Symbolic clauses without [ugoa] are filtered by the umask. Returns 0 or -1. */
int parse_mode(const char *spec, mode_t base, int is_dir, mode_t umask_bits, mode_t *out) {
  mode_t mode = base & 07777;
  if (isdigit((unsigned char)*spec)) {
    char *end;
    unsigned long v = strtoul(spec, &end, 8);
    if (*end || v > 07777) return -1;
    /* GNU: octal with fewer than five digits keeps a directory's set-id bits. */
    mode_t keep = is_dir && strlen(spec) < 5 ? (mode & (S_ISUID | S_ISGID)) : 0;
    *out = (mode_t)v | keep;
    return 0;
  }
  const char *p = spec;
  for (;;) {
    mode_t who = 0;
    for (; *p && strchr("ugoa", *p); p++) {
      switch (*p) {
        case 'u': who |= S_ISUID | 0700; break;
        case 'g': who |= S_ISGID | 0070; break;
        case 'o': who |= S_ISVTX | 0007; break;
        case 'a': who |= 07777; break;
      }
    }
    int explicit_who = who != 0;
    if (!who) who = 07777;
    if (!*p || !strchr("+-=", *p)) return -1;
    while (*p && strchr("+-=", *p)) {
      char op = *p++;
      mode_t bits = 0;
      if (*p && strchr("0123456789", *p)) {
        char *end;
        bits = (mode_t)strtoul(p, &end, 8);
        p = end;
      } else if (*p == 'u' || *p == 'g' || *p == 'o') {
        mode_t src = mode;
        if (*p == 'u') bits = (src & 0700) >> 6;
        else if (*p == 'g') bits = (src & 0070) >> 3;
        else bits = src & 0007;
        bits = bits | bits << 3 | bits << 6;
        p++;
      } else {
        for (; *p && strchr("rwxXst", *p); p++) {
          switch (*p) {
            case 'r': bits |= 0444; break;
            case 'w': bits |= 0222; break;
            case 'x': bits |= 0111; break;
            case 'X': if (is_dir || (mode & 0111)) bits |= 0111; break;
            case 's': bits |= S_ISUID | S_ISGID; break;
            case 't': bits |= S_ISVTX; break;
          }
        }
      }
      mode_t mask = who;
      if (!explicit_who) mask &= ~umask_bits | S_ISUID | S_ISGID | S_ISVTX;
      bits &= mask;
      if (op == '+') mode |= bits;
      else if (op == '-') mode &= ~bits;
      else {
        mode_t clear = who;
        if (is_dir && !explicit_who) clear &= ~(S_ISUID | S_ISGID);
        if (is_dir) clear &= ~(mode_t)((S_ISUID | S_ISGID) & ~bits);
        mode = (mode & ~clear) | bits;
      }
    }
    if (*p == ',') { p++; continue; }
    if (*p) return -1;
    break;
  }
  *out = mode;
  return 0;
}

static int recursive, verbose, changes, quiet, status;
static const char *spec;
static mode_t umask_bits;

static void change(const char *path, int top) {
  struct stat st;
  if ((top ? xstat(path, &st) : xlstat(path, &st)) != 0) {
    if (!quiet) warn_err(errno, "cannot access %s", q(path));
    status = 1;
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    /* Symlinks met while recursing are not changed (Linux has no lchmod). */
    return;
  }
  mode_t mode;
  if (parse_mode(spec, st.st_mode, S_ISDIR(st.st_mode), umask_bits, &mode) != 0)
    die_msg(1, "invalid mode: %s", q(spec));
  mode_t old = st.st_mode & 07777;
  char a[11], b[11];
  if (xchmod(path, mode, 1) != 0) {
    if (!quiet) warn_err(errno, "changing permissions of %s", q(path));
    status = 1;
  } else if (verbose || (changes && old != mode)) {
    mode_string(st.st_mode, a);
    mode_string((st.st_mode & S_IFMT) | mode, b);
    if (old == mode) printf("mode of %s retained as %04o (%s)\n", q(path), (unsigned)old, a + 1);
    else printf("mode of %s changed from %04o (%s) to %04o (%s)\n", q(path), (unsigned)old, a + 1, (unsigned)mode, b + 1);
  }
  if (recursive && S_ISDIR(st.st_mode)) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) {
      if (!quiet) warn_err(errno, "cannot read directory %s", q(path));
      status = 1;
      return;
    }
    for (int i = 0; i < n; i++) {
      char *child = path_join(path, names[i]);
      change(child, 0);
      free(child);
    }
    free_names(names, n);
  }
}

APPLET(chmod) {
  static const struct option longs[] = {
    {"changes", 0, 0, 'c'}, {"silent", 0, 0, 'f'}, {"quiet", 0, 0, 'f'}, {"verbose", 0, 0, 'v'},
    {"recursive", 0, 0, 'R'}, {0, 0, 0, 0}};
  /* A mode like -w or -x looks like an option: take it as the mode operand. */
  int c;
  for (;;) {
    if (optind < argc && argv[optind][0] == '-' && argv[optind][1] && strchr("rwxXstugoa=+-", argv[optind][1]) &&
        !spec && strspn(argv[optind] + 1, "rwxXst,ugoa=+-01234567") == strlen(argv[optind] + 1) &&
        strcmp(argv[optind], "--")) {
      spec = argv[optind++];
      continue;
    }
    c = opt_next(argc, argv, "cfvR", longs, 0);
    if (c == -1) break;
    if (c == 'c') changes = 1;
    else if (c == 'f') quiet = 1;
    else if (c == 'v') verbose = 1;
    else if (c == 'R') recursive = 1;
  }
  if (!spec) {
    if (optind >= argc) usage_fail("missing operand");
    spec = argv[optind++];
  }
  if (optind >= argc) usage_fail("missing operand after %s", q(spec));
  umask_bits = get_umask();
  mode_t probe;
  if (parse_mode(spec, 0, 0, umask_bits, &probe) != 0) usage_fail("invalid mode: %s", q(spec));
  for (int i = optind; i < argc; i++) change(argv[i], 1);
  return status;
}
