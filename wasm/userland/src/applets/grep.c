/* grep: POSIX regular expressions from wasi-libc (musl's TRE). */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_grep[] =
  "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
  "Search for PATTERNS in each FILE.\n\n"
  "  -E, --extended-regexp     PATTERNS are extended regular expressions\n"
  "  -F, --fixed-strings       PATTERNS are strings\n"
  "  -G, --basic-regexp        PATTERNS are basic regular expressions\n"
  "  -e, --regexp=PATTERNS     use PATTERNS for matching\n"
  "  -f, --file=FILE           take PATTERNS from FILE\n"
  "  -i, --ignore-case         ignore case distinctions in patterns and data\n"
  "  -w, --word-regexp         match only whole words\n"
  "  -x, --line-regexp         match only whole lines\n"
  "  -v, --invert-match        select non-matching lines\n"
  "  -c, --count               print only a count of selected lines per FILE\n"
  "  -l, --files-with-matches  print only names of FILEs with selected lines\n"
  "  -L, --files-without-match print only names of FILEs with no selected lines\n"
  "  -m, --max-count=NUM       stop after NUM selected lines\n"
  "  -n, --line-number         print line number with output lines\n"
  "  -H, --with-filename       print file name with output lines\n"
  "  -h, --no-filename         suppress the file name prefix on output\n"
  "  -o, --only-matching       show only nonempty parts of lines that match\n"
  "  -q, --quiet, --silent     suppress all normal output\n"
  "  -s, --no-messages         suppress error messages\n"
  "  -r, --recursive           search directories recursively\n"
  "  -A, --after-context=NUM   print NUM lines of trailing context\n"
  "  -B, --before-context=NUM  print NUM lines of leading context\n"
  "  -C, --context=NUM         print NUM lines of output context\n\n"
  "Exit status is 0 if any line is selected, 1 otherwise; 2 if an error occurred.\n";

static int o_invert, o_count, o_list, o_unlist, o_number, o_names = -1, o_only, o_quiet, o_silent;
static int o_recursive, o_fixed, o_icase, o_word, o_line, o_ere;
static long long o_max = -1, o_after, o_before;
static int printed_group;  /* some line was printed: groups of context get "--" between */
static char **patterns;
static int npatterns;
static regex_t *res;
static int error_seen;
static int implicit_dot;  /* grep -r without operands names files without "./" */

static void add_patterns(const char *text) {
  /* Each line of the argument is one pattern. */
  const char *p = text;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    patterns = xrealloc(patterns, sizeof *patterns * (size_t)(npatterns + 1));
    char *s = xmalloc(n + 1);
    memcpy(s, p, n);
    s[n] = 0;
    patterns[npatterns++] = s;
    if (!nl) break;
    p = nl + 1;
    if (!*p) break;
  }
}

static int word_char(int c) { return isalnum(c) || c == '_'; }

/* Finds the first match in line[from..] honouring -w/-x; returns 1 with [*so,*eo). */
static int match_one(int k, const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  if (o_fixed) {
    const char *pat = patterns[k];
    size_t pl = strlen(pat);
    for (size_t i = from; i + pl <= len; i++) {
      int eq = o_icase ? !strncasecmp(line + i, pat, pl) : !memcmp(line + i, pat, pl);
      if (!eq) continue;
      if (o_line && (i != 0 || pl != len)) continue;
      if (o_word && ((i > 0 && word_char((unsigned char)line[i - 1])) ||
                     (i + pl < len && word_char((unsigned char)line[i + pl])))) continue;
      *so = i;
      *eo = i + pl;
      return 1;
    }
    return 0;
  }
  size_t start = from;
  while (start <= len) {
    regmatch_t m;
    int flags = start > 0 ? REG_NOTBOL : 0;
    if (regexec(&res[k], line + start, 1, &m, flags) != 0) return 0;
    size_t s = start + (size_t)m.rm_so, e = start + (size_t)m.rm_eo;
    int ok = 1;
    if (o_line && (s != 0 || e != len)) ok = 0;
    if (o_word && ((s > 0 && word_char((unsigned char)line[s - 1])) || (e < len && word_char((unsigned char)line[e])) || s == e))
      ok = 0;
    if (ok) { *so = s; *eo = e; return 1; }
    start = s + 1;
  }
  return 0;
}

static int match_any(const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  int found = 0;
  for (int k = 0; k < npatterns; k++) {
    size_t s, e;
    if (match_one(k, line, len, from, &s, &e) && (!found || s < *so || (s == *so && e > *eo))) {
      *so = s;
      *eo = e;
      found = 1;
    }
  }
  return found;
}

static void prefix(const char *name, long long lineno, char sep) {
  if (o_names) printf("%s%c", name, sep);
  if (o_number) printf("%lld%c", lineno, sep);
}

/* Returns 1 when some line was selected. */
/* Lines kept for -B, as a ring. */
struct held { char *text; size_t len; long long lineno; };

static void print_line(const char *name, long long lineno, char sep, const char *text, size_t len, long long *last_out) {
  if ((o_after || o_before) && printed_group && *last_out && lineno != *last_out + 1) puts("--");
  if ((o_after || o_before) && printed_group && !*last_out) puts("--");
  prefix(name, lineno, sep);
  fwrite(text, 1, len, stdout);
  putchar('\n');
  *last_out = lineno;
  printed_group = 1;
}

/* Returns 1 when some line was selected. */
static int grep_fd(int fd, const char *name) {
  FILE *f = fd ? fdopen(fd, "r") : stdin;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long long lineno = 0, selected = 0, after_left = 0, last_out = 0;
  int nheld = 0, first_held = 0;
  struct held *held = o_before ? xmalloc(sizeof *held * (size_t)o_before) : NULL;
  for (int i = 0; i < (int)o_before; i++) held[i] = (struct held){NULL, 0, 0};
  int context = !(o_count || o_list || o_unlist || o_quiet || o_only);
  while ((o_max < 0 || selected < o_max || (context && after_left > 0)) && (n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    size_t len = (size_t)n;
    if (len && line[len - 1] == '\n') line[--len] = 0;
    size_t so, eo;
    int hit = match_any(line, len, 0, &so, &eo) != o_invert;
    if (o_max >= 0 && selected >= o_max) hit = 0;
    if (!hit) {
      if (!context) continue;
      if (after_left > 0) {
        after_left--;
        print_line(name, lineno, '-', line, len, &last_out);
      } else if (o_before) {
        struct held *h = &held[(first_held + nheld) % o_before];
        if (nheld == o_before) { h = &held[first_held]; first_held = (first_held + 1) % (int)o_before; nheld--; }
        h->text = xrealloc(h->text, len + 1);
        memcpy(h->text, line, len);
        h->len = len;
        h->lineno = lineno;
        nheld++;
      }
      continue;
    }
    selected++;
    if (o_quiet) break;
    if (!context && !o_only) continue;
    if (o_only) {
      if (o_invert) continue;
      size_t from = 0;
      while (from <= len && match_any(line, len, from, &so, &eo)) {
        if (eo > so) {
          prefix(name, lineno, ':');
          fwrite(line + so, 1, eo - so, stdout);
          putchar('\n');
          from = eo;
        } else from = so + 1;
      }
      continue;
    }
    for (; nheld > 0; nheld--, first_held = (first_held + 1) % (int)o_before) {
      struct held *h = &held[first_held];
      print_line(name, h->lineno, '-', h->text, h->len, &last_out);
    }
    first_held = 0;
    print_line(name, lineno, ':', line, len, &last_out);
    after_left = o_after;
  }
  if (ferror(f)) {
    if (!o_silent) warn_err(errno, "%s", name);
    error_seen = 1;
  }
  free(line);
  for (int i = 0; i < (int)o_before; i++) free(held[i].text);
  free(held);
  if (fd) fclose(f);
  if (o_count) {
    if (o_names) printf("%s:", name);
    printf("%lld\n", selected);
  }
  if (o_list && selected) printf("%s\n", name);
  if (o_unlist && !selected) printf("%s\n", name);
  return selected > 0;
}

static int grep_path(const char *path, int top) {
  struct stat st;
  if (o_recursive && (top ? xstat(path, &st) : xlstat(path, &st)) == 0) {
    if (S_ISLNK(st.st_mode)) return 0;
    if (S_ISDIR(st.st_mode)) {
      char **names;
      int n = list_dir(path, &names), found = 0;
      if (n < 0) {
        if (!o_silent) warn_err(errno, "%s", path);
        error_seen = 1;
        return 0;
      }
      for (int i = 0; i < n; i++) {
        char *child = implicit_dot && top ? xstrdup(names[i]) : path_join(path, names[i]);
        found |= grep_path(child, 0);
        free(child);
        if (found && o_quiet) break;
      }
      free_names(names, n);
      return found;
    }
  }
  int fd = open_input(path);
  if (fd < 0) {
    if (!o_silent) warn_err(errno, "%s", path);
    error_seen = 1;
    return 0;
  }
  if (fd && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!o_silent) warn_msg("%s: Is a directory", path);
    close(fd);
    error_seen = 1;
    return 0;
  }
  return grep_fd(fd, strcmp(path, "-") ? path : "(standard input)");
}

static int run(int argc, char **argv, int mode) {
  usage_status = 2;
  o_ere = mode == 'E';
  o_fixed = mode == 'F';
  static const struct option longs[] = {
    {"extended-regexp", 0, 0, 'E'}, {"fixed-strings", 0, 0, 'F'}, {"basic-regexp", 0, 0, 'G'},
    {"regexp", 1, 0, 'e'}, {"file", 1, 0, 'f'}, {"ignore-case", 0, 0, 'i'}, {"word-regexp", 0, 0, 'w'},
    {"line-regexp", 0, 0, 'x'}, {"invert-match", 0, 0, 'v'}, {"count", 0, 0, 'c'},
    {"files-with-matches", 0, 0, 'l'}, {"files-without-match", 0, 0, 'L'}, {"max-count", 1, 0, 'm'},
    {"line-number", 0, 0, 'n'}, {"with-filename", 0, 0, 'H'}, {"no-filename", 0, 0, 'h'},
    {"only-matching", 0, 0, 'o'}, {"quiet", 0, 0, 'q'}, {"silent", 0, 0, 'q'}, {"no-messages", 0, 0, 's'},
    {"recursive", 0, 0, 'r'}, {"after-context", 1, 0, 'A'}, {"before-context", 1, 0, 'B'},
    {"context", 1, 0, 'C'}, {0, 0, 0, 0}};
  int c, have_pattern = 0;
  while ((c = opt_next(argc, argv, "EFGe:f:iywxvclLm:nHhoqsrRA:B:C:", longs, 1)) != -1) {
    switch (c) {
      case 'E': o_ere = 1; o_fixed = 0; break;
      case 'F': o_fixed = 1; o_ere = 0; break;
      case 'G': o_fixed = o_ere = 0; break;
      case 'e': add_patterns(optarg); have_pattern = 1; break;
      case 'f': {
        char *text = read_file(optarg, NULL);
        if (!text) die_err(2, errno, "%s", optarg);
        if (*text) add_patterns(text);
        have_pattern = 1;
        break;
      }
      case 'i': case 'y': o_icase = 1; break;
      case 'w': o_word = 1; break;
      case 'x': o_line = 1; break;
      case 'v': o_invert = 1; break;
      case 'c': o_count = 1; break;
      case 'l': o_list = 1; break;
      case 'L': o_unlist = 1; break;
      case 'm': o_max = parse_count(optarg, 0); if (o_max < 0) die_msg(2, "invalid max count"); break;
      case 'n': o_number = 1; break;
      case 'H': o_names = 1; break;
      case 'h': o_names = 0; break;
      case 'o': o_only = 1; break;
      case 'q': o_quiet = 1; break;
      case 's': o_silent = 1; break;
      case 'r': case 'R': o_recursive = 1; break;
      case 'A': case 'B': case 'C': {
        long long v = parse_count(optarg, 0);
        if (v < 0) die_msg(2, "%s: invalid context length argument", optarg);
        if (c != 'B') o_after = v;
        if (c != 'A') o_before = v;
        break;
      }
    }
  }
  if (!have_pattern) {
    if (optind >= argc) usage_fail("no pattern given");
    add_patterns(argv[optind++]);
  }
  if (!o_fixed) {
    res = xmalloc(sizeof *res * (size_t)(npatterns ? npatterns : 1));
    for (int k = 0; k < npatterns; k++) {
      int flags = (o_ere ? REG_EXTENDED : 0) | (o_icase ? REG_ICASE : 0);
      int e = regcomp(&res[k], patterns[k], flags);
      if (e) {
        char msg[256];
        regerror(e, &res[k], msg, sizeof msg);
        die_msg(2, "%s", msg);
      }
    }
  }
  int nfiles = argc - optind;
  static char *dash[] = {"-", NULL}, *dot[] = {".", NULL};
  char **files = nfiles ? argv + optind : o_recursive ? dot : dash;
  implicit_dot = !nfiles && o_recursive;
  if (!nfiles) nfiles = 1;
  if (o_names < 0) o_names = nfiles > 1 || o_recursive;
  int found = 0;
  for (int i = 0; i < nfiles; i++) {
    found |= grep_path(files[i], 1);
    if (found && o_quiet) return 0;
  }
  if (error_seen && !(o_quiet && found)) return 2;
  return found ? 0 : 1;
}

APPLET(grep) { return run(argc, argv, 'G'); }
APPLET(egrep) { return run(argc, argv, 'E'); }
APPLET(fgrep) { return run(argc, argv, 'F'); }

const char help_egrep[] = "Usage: egrep [OPTION]... PATTERNS [FILE]...\nThe same as grep -E.\n";
const char help_fgrep[] = "Usage: fgrep [OPTION]... PATTERNS [FILE]...\nThe same as grep -F.\n";
