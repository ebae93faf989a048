/* xargs: build command lines from standard input and run them through `spawn`. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_xargs[] =
  "Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\n"
  "Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.\n\n"
  "  -0, --null                   items are separated by a null, not whitespace\n"
  "  -a, --arg-file=FILE          read arguments from FILE, not standard input\n"
  "  -d, --delimiter=CHARACTER    items in input stream are separated by CHARACTER\n"
  "  -I R                         replace R in INITIAL-ARGS with names read from input\n"
  "  -L, --max-lines=MAX-LINES    use at most MAX-LINES non-blank input lines per command line\n"
  "  -n, --max-args=MAX-ARGS      use at most MAX-ARGS arguments per command line\n"
  "  -r, --no-run-if-empty        if there are no arguments, then do not run COMMAND\n"
  "  -s, --max-chars=MAX-CHARS    limit length of command line to MAX-CHARS\n"
  "  -t, --verbose                print commands before executing them\n";

static char **items;
static int *item_line;   /* the input line each item ended on (for -L) */
static int nitems, capitems;

static void add_item(char *s, int line) {
  if (nitems == capitems) {
    capitems = capitems ? capitems * 2 : 64;
    items = xrealloc(items, sizeof *items * (size_t)capitems);
    item_line = xrealloc(item_line, sizeof *item_line * (size_t)capitems);
  }
  item_line[nitems] = line;
  items[nitems++] = s;
}

/* Default parsing: blanks and newlines separate; quotes and backslash protect. */
static void read_items(FILE *in, int delim, int whole_lines) {
  size_t cap = 256, n = 0;
  char *cur = xmalloc(cap);
  int c, quote = 0, have = 0, line = 0;
  while ((c = getc(in)) != EOF) {
    if (n + 2 >= cap) cur = xrealloc(cur, cap *= 2);
    if (delim >= 0) {
      if (c == delim) { cur[n] = 0; add_item(xstrdup(cur), line++); n = 0; have = 0; }
      else { cur[n++] = (char)c; have = 1; }
      continue;
    }
    if (whole_lines) {
      /* -I: one item per line, leading blanks dropped. */
      if (c == '\n') { if (have) { cur[n] = 0; add_item(xstrdup(cur), line); } line++; n = 0; have = 0; }
      else if (have || (c != ' ' && c != '\t')) { cur[n++] = (char)c; have = 1; }
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\n') die_msg(1, "unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", quote == '"' ? "double" : "single");
      else cur[n++] = (char)c;
      continue;
    }
    if (c == '\'' || c == '"') { quote = c; have = 1; continue; }
    if (c == '\\') { c = getc(in); if (c == EOF) break; cur[n++] = (char)c; have = 1; continue; }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (have) { cur[n] = 0; add_item(xstrdup(cur), line); n = 0; have = 0; }
      if (c == '\n') line++;
      continue;
    }
    cur[n++] = (char)c;
    have = 1;
  }
  if (quote) die_msg(1, "unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", quote == '"' ? "double" : "single");
  if (have) { cur[n] = 0; add_item(xstrdup(cur), line); }
  free(cur);
}

static char *replace_all(const char *s, const char *what, const char *with) {
  size_t wl = strlen(what), n = 0, cap = strlen(s) + 1;
  char *out = xmalloc(cap);
  while (*s) {
    if (wl && !strncmp(s, what, wl)) {
      size_t l = strlen(with);
      out = xrealloc(out, cap += l);
      memcpy(out + n, with, l);
      n += l;
      s += wl;
    } else out[n++] = *s++;
  }
  out[n] = 0;
  return out;
}

static int verbose, worst;

static int run(char **argv) {
  if (verbose) {
    for (int i = 0; argv[i]; i++) fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', stderr);
  }
  int st = run_program(argv, NULL);
  if (st < 0) {
    int e = errno;
    warn_err(e, "%s", argv[0]);
    exit(e == ENOENT ? 127 : 126);
  }
  if (st == 255) { warn_msg("%s: exited with status 255; aborting", argv[0]); exit(124); }
  if (st > 128) { warn_msg("%s: terminated by signal %d", argv[0], st - 128); exit(125); }
  if (st) worst = 123;
  return st;
}

APPLET(xargs) {
  static const struct option longs[] = {
    {"null", 0, 0, '0'}, {"arg-file", 1, 0, 'a'}, {"delimiter", 1, 0, 'd'}, {"max-lines", 1, 0, 'L'},
    {"max-args", 1, 0, 'n'}, {"no-run-if-empty", 0, 0, 'r'}, {"max-chars", 1, 0, 's'},
    {"verbose", 0, 0, 't'}, {"max-procs", 1, 0, 'P'}, {0, 0, 0, 0}};
  int c, delim = -1, no_empty = 0;
  long long max_args = 0, max_lines = 0, max_chars = 131072;
  const char *replace = NULL, *arg_file = NULL;
  while ((c = opt_next(argc, argv, "0a:d:I:L:n:rs:tP:x", longs, 0)) != -1) {
    switch (c) {
      case '0': delim = 0; break;
      case 'a': arg_file = optarg; break;
      case 'd': {
        int stop;
        char tmp[8];
        size_t l = unescape(optarg, tmp, &stop, 1);
        if (l != 1) die_msg(1, "invalid input delimiter specification %s: the delimiter must be either a single character or an escape sequence starting with \\", optarg);
        delim = (unsigned char)tmp[0];
        break;
      }
      case 'I': replace = optarg; max_lines = 1; break;
      case 'L': max_lines = parse_count(optarg, 0); if (max_lines < 1) die_msg(1, "invalid number %s for -L option", q(optarg)); break;
      case 'n': max_args = parse_count(optarg, 0); if (max_args < 1) die_msg(1, "invalid number %s for -n option", q(optarg)); break;
      case 'r': no_empty = 1; break;
      case 's': max_chars = parse_count(optarg, 0); if (max_chars < 1) die_msg(1, "invalid number %s for -s option", q(optarg)); break;
      case 't': verbose = 1; break;
    }
  }
  static char *echo_cmd[] = {"echo", NULL};
  char **cmd = optind < argc ? argv + optind : echo_cmd;
  int ncmd = optind < argc ? argc - optind : 1;
  FILE *in = stdin;
  if (arg_file && !(in = fopen(arg_file, "r"))) die_err(1, errno, "cannot open %s", q(arg_file));
  read_items(in, delim, replace != NULL);
  if (replace) {
    for (int i = 0; i < nitems; i++) {
      char **v = xmalloc(sizeof *v * (size_t)(ncmd + 1));
      for (int k = 0; k < ncmd; k++) v[k] = replace_all(cmd[k], replace, items[i]);
      v[ncmd] = NULL;
      run(v);
    }
    return worst;
  }
  if (nitems == 0) {
    if (!no_empty) run(cmd);
    return worst;
  }
  size_t base = 0;
  for (int k = 0; k < ncmd; k++) base += strlen(cmd[k]) + 1;
  for (int i = 0; i < nitems;) {
    char **v = xmalloc(sizeof *v * (size_t)(ncmd + nitems + 1));
    memcpy(v, cmd, sizeof *v * (size_t)ncmd);
    int k = ncmd;
    size_t len = base;
    int first_line = item_line[i];
    while (i < nitems) {
      if (max_args && k - ncmd >= max_args) break;
      if (max_lines && item_line[i] - first_line >= max_lines) break;
      size_t l = strlen(items[i]) + 1;
      if (k > ncmd && len + l > (size_t)max_chars) break;
      len += l;
      v[k++] = items[i++];
    }
    v[k] = NULL;
    run(v);
    free(v);
  }
  return worst;
}
