/* ls: GNU ls's formats in the C locale (byte order, English month names, UTC). */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_ls[] =
  "Usage: ls [OPTION]... [FILE]...\n"
  "List information about the FILEs (the current directory by default).\n"
  "Sort entries alphabetically if none of -cftuvSUX nor --sort is specified.\n\n"
  "  -a, --all                  do not ignore entries starting with .\n"
  "  -A, --almost-all           do not list implied . and ..\n"
  "  -c                         with -lt: sort by, and show, ctime\n"
  "  -C                         list entries by columns\n"
  "  -d, --directory            list directories themselves, not their contents\n"
  "  -f                         do not sort, enable -aU\n"
  "  -F, --classify             append indicator (one of */=@|) to entries\n"
  "      --full-time            like -l --time-style=full-iso\n"
  "  -g                         like -l, but do not list owner\n"
  "  -G, --no-group             in a long listing, don't print group names\n"
  "  -h, --human-readable       with -l and -s, print sizes like 1K 234M 2G etc.\n"
  "  -H, --dereference-command-line  follow symbolic links listed on the command line\n"
  "  -i, --inode                print the index number of each file\n"
  "  -l                         use a long listing format\n"
  "  -L, --dereference          show information for the file a symbolic link references\n"
  "  -n, --numeric-uid-gid      like -l, but list numeric user and group IDs\n"
  "  -o                         like -l, but do not list group information\n"
  "  -p                         append / indicator to directories\n"
  "  -r, --reverse              reverse order while sorting\n"
  "  -R, --recursive            list subdirectories recursively\n"
  "  -s, --size                 print the allocated size of each file, in blocks\n"
  "  -S                         sort by file size, largest first\n"
  "      --time-style=STYLE     full-iso, long-iso, iso, or +FORMAT\n"
  "  -t                         sort by time, newest first\n"
  "  -u                         with -lt: sort by, and show, access time\n"
  "  -U                         do not sort; list entries in directory order\n"
  "  -1                         list one file per line\n";

struct ent {
  char *name;   /* as displayed */
  char *path;   /* for stat and recursion */
  struct stat st;
  int ok;       /* stat succeeded */
  char *link;   /* symlink target for -l */
  int link_mode; /* mode of the link target, 0 if unknown */
  int broken;   /* a symlink whose target is missing, listed with -L as "l?????????" */
};

static int opt_all, opt_almost, opt_long, opt_dir, opt_recursive, opt_human, opt_inode, opt_numeric;
static int opt_reverse, opt_sort = 'n', opt_classify, opt_slash, opt_deref, opt_deref_cmd, opt_size;
static int opt_no_owner, opt_no_group, opt_format = '1', opt_time = 'm';
static const char *time_style;
static int status;
static int printed_any;
static int tty;
static time_t now;

static struct timespec when(const struct stat *st) {
  return opt_time == 'c' ? st->st_ctim : opt_time == 'u' ? st->st_atim : st->st_mtim;
}

static int cmp_ent(const void *pa, const void *pb) {
  const struct ent *a = pa, *b = pb;
  int r = 0;
  if (opt_sort == 't') {
    struct timespec ta = when(&a->st), tb = when(&b->st);
    if (ta.tv_sec != tb.tv_sec) r = ta.tv_sec < tb.tv_sec ? 1 : -1;
    else if (ta.tv_nsec != tb.tv_nsec) r = ta.tv_nsec < tb.tv_nsec ? 1 : -1;
  } else if (opt_sort == 'S') {
    if (a->st.st_size != b->st.st_size) r = a->st.st_size < b->st.st_size ? 1 : -1;
  }
  if (!r) r = strcmp(a->name, b->name);
  return opt_reverse ? -r : r;
}

static void sort_ents(struct ent *v, int n) {
  if (opt_sort == 'U') return;
  qsort(v, (size_t)n, sizeof *v, cmp_ent);
}

/* Stats an entry; `dangling_as_link` lists a dangling symlink as the link itself
 * (command-line operands without -L), otherwise it is marked broken. */
static void load(struct ent *e, int follow, int dangling_as_link) {
  e->ok = (follow ? xstat(e->path, &e->st) : xlstat(e->path, &e->st)) == 0;
  if (!e->ok && follow && errno == ENOENT && xlstat(e->path, &e->st) == 0) {
    if (dangling_as_link) e->ok = 1;
    else { e->broken = 1; errno = ENOENT; }
  }
  if (e->ok && S_ISLNK(e->st.st_mode) && (opt_long || opt_classify)) {
    if (opt_long) e->link = xreadlink(e->path);
    struct stat t;
    if (xstat(e->path, &t) == 0) e->link_mode = (int)t.st_mode;
  }
}

static char indicator(mode_t m) {
  if (opt_slash && !opt_classify) return S_ISDIR(m) ? '/' : 0;
  if (S_ISDIR(m)) return '/';
  if (S_ISLNK(m)) return '@';
  if (S_ISFIFO(m)) return '|';
  if (S_ISSOCK(m)) return '=';
  if (S_ISREG(m) && (m & 0111)) return '*';
  return 0;
}

/* Shell-escape quoting, as GNU ls does on a terminal. */
static void put_name(const char *s) {
  if (!tty) { fputs(s, stdout); return; }
  int needs = !*s;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("%+,-./:=@_^", *p)) needs = 1;
  if (!needs) { fputs(s, stdout); return; }
  putchar('\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'') fputs("'\\''", stdout);
    else if ((unsigned char)*p < 32 || *p == 127) putchar('?');
    else putchar(*p);
  }
  putchar('\'');
}

static size_t name_width(const char *s) {
  if (!tty) return strlen(s);
  int needs = !*s;
  size_t extra = 0;
  for (const char *p = s; *p; p++) {
    if (!isalnum((unsigned char)*p) && !strchr("%+,-./:=@_^", *p)) needs = 1;
    if (*p == '\'') extra += 3;
  }
  return strlen(s) + (needs ? 2 + extra : 0);
}

static void format_time(const struct ent *e, char *out, size_t n) {
  struct timespec ts = when(&e->st);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  if (time_style && !strcmp(time_style, "full-iso")) {
    char a[40];
    strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out, n, "%s.%09ld +0000", a, ts.tv_nsec);
  } else if (time_style && !strcmp(time_style, "long-iso")) {
    strftime(out, n, "%Y-%m-%d %H:%M", &tm);
  } else if (time_style && *time_style == '+') {
    strftime(out, n, time_style + 1, &tm);
  } else {
    time_t six_months = 31556952 / 2;
    int recent = ts.tv_sec > now - six_months && ts.tv_sec <= now;
    if (time_style && !strcmp(time_style, "iso"))
      strftime(out, n, recent ? "%m-%d %H:%M" : "%Y-%m-%d ", &tm);
    else strftime(out, n, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
  }
}

static void blocks_text(const struct stat *st, char *out) {
  unsigned long long kb = (unsigned long long)st->st_blocks / 2;
  if (opt_human) human_size(kb * 1024, out);
  else snprintf(out, 24, "%llu", kb);
}

static const char *owner_text(unsigned id, int group, char *buf) {
  const char *name = opt_numeric ? NULL : group ? group_name(id) : user_name(id);
  if (name) return name;
  snprintf(buf, 16, "%u", id);
  return buf;
}

static int width_of(const char *s) { return (int)strlen(s); }

/* Column widths come from `v` and also from `pool` (GNU sizes the columns of the
 * file operands together with the directory operands). */
static void print_long(struct ent *v, int n, struct ent *pool, int npool) {
  int w_ino = 0, w_blk = 0, w_nl = 0, w_own = 0, w_grp = 0, w_size = 0, w_maj = 0, w_min = 0, w_date = 0;
  char buf[64], buf2[16];
  for (int i = 0; i < n + npool; i++) {
    struct ent *e = i < n ? &v[i] : &pool[i - n];
    struct stat *st = &e->st;
    if (e->broken) {
      if (!w_nl) w_nl = 1;
      if (!w_own) w_own = 1;
      if (!w_grp) w_grp = 1;
      if (!w_size) w_size = 1;
      if (!w_ino) w_ino = 1;
      if (!w_blk) w_blk = 1;
      continue;
    }
    if (!e->ok) continue;
    {
      char date[64];
      format_time(e, date, sizeof date);
      if ((int)strlen(date) > w_date) w_date = (int)strlen(date);
    }
    int w;
    if ((w = snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_ino)) > w_ino) w_ino = w;
    blocks_text(st, buf);
    if ((w = width_of(buf)) > w_blk) w_blk = w;
    if ((w = snprintf(buf, sizeof buf, "%lu", (unsigned long)st->st_nlink)) > w_nl) w_nl = w;
    if ((w = width_of(owner_text(st->st_uid, 0, buf2))) > w_own) w_own = w;
    if ((w = width_of(owner_text(st->st_gid, 1, buf2))) > w_grp) w_grp = w;
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
      if ((w = snprintf(buf, sizeof buf, "%u", DEV_MAJOR(st->st_rdev))) > w_maj) w_maj = w;
      if ((w = snprintf(buf, sizeof buf, "%u", DEV_MINOR(st->st_rdev))) > w_min) w_min = w;
    } else {
      if (opt_human) human_size((unsigned long long)st->st_size, buf);
      else snprintf(buf, sizeof buf, "%lld", (long long)st->st_size);
      if ((w = width_of(buf)) > w_size) w_size = w;
    }
  }
  if (w_maj && w_maj + 2 + w_min > w_size) w_size = w_maj + 2 + w_min;
  for (int i = 0; i < n; i++) {
    struct ent *e = &v[i];
    struct stat *st = &e->st;
    if (e->broken) {
      if (opt_inode) printf("%*s ", w_ino, "?");
      if (opt_size) printf("%*s ", w_blk, "?");
      printf("l????????? %*s ", w_nl, "?");
      if (!opt_no_owner) printf("%-*s ", w_own, "?");
      if (!opt_no_group) printf("%-*s ", w_grp, "?");
      printf("%*s %*s ", w_size, "?", w_date ? w_date : 12, "?");
      put_name(e->name);
      putchar('\n');
      continue;
    }
    if (!e->ok) continue;
    if (opt_inode) printf("%*llu ", w_ino, (unsigned long long)st->st_ino);
    if (opt_size) { blocks_text(st, buf); printf("%*s ", w_blk, buf); }
    char mode[11];
    mode_string(st->st_mode, mode);
    printf("%s %*lu ", mode, w_nl, (unsigned long)st->st_nlink);
    if (!opt_no_owner) printf("%-*s ", w_own, owner_text(st->st_uid, 0, buf2));
    if (!opt_no_group) printf("%-*s ", w_grp, owner_text(st->st_gid, 1, buf2));
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
      int blanks = w_size - (w_maj + 2 + w_min);
      printf("%*u, %*u ", w_maj + (blanks > 0 ? blanks : 0), DEV_MAJOR(st->st_rdev), w_min, DEV_MINOR(st->st_rdev));
    } else {
      if (opt_human) human_size((unsigned long long)st->st_size, buf);
      else snprintf(buf, sizeof buf, "%lld", (long long)st->st_size);
      printf("%*s ", w_size, buf);
    }
    char date[64];
    format_time(e, date, sizeof date);
    printf("%s ", date);
    put_name(e->name);
    if (S_ISLNK(st->st_mode) && e->link) {
      fputs(" -> ", stdout);
      put_name(e->link);
      if ((opt_classify || opt_slash) && e->link_mode) {
        char c = indicator((mode_t)e->link_mode);
        if (c) putchar(c);
      }
    } else if (opt_classify || opt_slash) {
      char c = indicator(st->st_mode);
      if (c) putchar(c);
    }
    putchar('\n');
  }
}

/* Width of an entry in the short formats: inode, blocks, name and indicator. */
static int entry_width(struct ent *e, int w_ino, int w_blk) {
  int w = (int)name_width(e->name);
  if (opt_inode) w += w_ino + 1;
  if (opt_size) w += w_blk + 1;
  if ((opt_classify || opt_slash) && e->ok && indicator(e->st.st_mode)) w++;
  return w;
}

static void print_entry(struct ent *e, int w_ino, int w_blk) {
  char buf[32];
  if (opt_inode) printf("%*llu ", w_ino, (unsigned long long)e->st.st_ino);
  if (opt_size) { blocks_text(&e->st, buf); printf("%*s ", w_blk, buf); }
  put_name(e->name);
  if ((opt_classify || opt_slash) && e->ok) {
    char c = indicator(e->st.st_mode);
    if (c) putchar(c);
  }
}

static void print_short(struct ent *v, int n) {
  int w_ino = 0, w_blk = 0;
  char buf[32];
  for (int i = 0; i < n; i++) {
    int w = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v[i].st.st_ino);
    if (w > w_ino) w_ino = w;
    blocks_text(&v[i].st, buf);
    if ((w = width_of(buf)) > w_blk) w_blk = w;
  }
  if (opt_format == '1' || n == 0) {
    for (int i = 0; i < n; i++) { print_entry(&v[i], w_ino, w_blk); putchar('\n'); }
    return;
  }
  /* Vertical columns: the most columns whose widths fit the line (as GNU ls). */
  const char *cols_env = getenv("COLUMNS");
  int line = cols_env && atoi(cols_env) > 0 ? atoi(cols_env) : 80;
  int max_cols = line / 3 + 1 < n ? line / 3 + 1 : n;
  int *widths = xmalloc(sizeof(int) * (size_t)n);
  int *colw = xmalloc(sizeof(int) * (size_t)max_cols);
  for (int i = 0; i < n; i++) widths[i] = entry_width(&v[i], w_ino, w_blk);
  int best = 1;
  for (int cols = max_cols; cols > 1; cols--) {
    int rows = (n + cols - 1) / cols;
    if ((n + rows - 1) / rows != cols) continue;
    int total = 0;
    for (int c = 0; c < cols; c++) {
      int m = 0;
      for (int r = 0; r < rows; r++) {
        int i = c * rows + r;
        if (i < n && widths[i] > m) m = widths[i];
      }
      colw[c] = m + (c + 1 < cols ? 2 : 0);
      total += colw[c];
    }
    if (total <= line) { best = cols; break; }
  }
  int rows = (n + best - 1) / best;
  for (int c = 0; c < best; c++) {
    int m = 0;
    for (int r = 0; r < rows; r++) {
      int i = c * rows + r;
      if (i < n && widths[i] > m) m = widths[i];
    }
    colw[c] = m + 2;
  }
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < best; c++) {
      int i = c * rows + r;
      if (i >= n) break;
      print_entry(&v[i], w_ino, w_blk);
      int next = (c + 1) * rows + r;
      if (next < n) for (int k = widths[i]; k < colw[c]; k++) putchar(' ');
    }
    putchar('\n');
  }
  free(widths);
  free(colw);
}

static void print_list(struct ent *v, int n, struct ent *pool, int npool) {
  if (opt_long) print_long(v, n, pool, npool);
  else print_short(v, n);
}

static void free_ents(struct ent *v, int n) {
  for (int i = 0; i < n; i++) { free(v[i].name); free(v[i].path); free(v[i].link); }
  free(v);
}

static void list_directory(const char *path, const char *shown, int header, int top) {
  char **names;
  int n = list_dir(path, &names);
  if (n < 0) {
    warn_err(errno, "cannot open directory %s", q(shown));
    status = top ? 2 : (status > 1 ? status : 1);
    return;
  }
  if (header) {
    if (printed_any) putchar('\n');
    put_name(shown);
    fputs(":\n", stdout);
  }
  printed_any = 1;
  int extra = opt_all ? 2 : 0, count = 0;
  struct ent *v = xmalloc(sizeof *v * (size_t)(n + extra + 1));
  if (opt_all) {
    static const char *dots[] = {".", ".."};
    for (int i = 0; i < 2; i++) {
      struct ent *e = &v[count++];
      memset(e, 0, sizeof *e);
      e->name = xstrdup(dots[i]);
      e->path = path_join(path, dots[i]);
      load(e, opt_deref, 0);
      if (!e->ok) { free(e->path); e->path = xstrdup(path); load(e, opt_deref, 0); }
    }
  }
  for (int i = 0; i < n; i++) {
    if (names[i][0] == '.' && !opt_all && !opt_almost) continue;
    struct ent *e = &v[count++];
    memset(e, 0, sizeof *e);
    e->name = xstrdup(names[i]);
    /* GNU names entries of "." without the "./" in messages. */
    e->path = strcmp(path, ".") ? path_join(path, names[i]) : xstrdup(names[i]);
    load(e, opt_deref, 0);
    if (!e->ok) {
      warn_err(errno, "cannot access %s", q(e->path));
      if (status < 1) status = 1;
    }
  }
  free_names(names, n);
  sort_ents(v, count);
  if (opt_long || opt_size) {
    unsigned long long blocks = 0;
    for (int i = 0; i < count; i++) if (v[i].ok) blocks += (unsigned long long)v[i].st.st_blocks;
    char buf[24];
    if (opt_human) human_size(blocks / 2 * 1024, buf);
    else snprintf(buf, sizeof buf, "%llu", blocks / 2);
    printf("total %s\n", buf);
  }
  print_list(v, count, NULL, 0);
  if (opt_recursive) {
    for (int i = 0; i < count; i++) {
      struct ent *e = &v[i];
      if (!e->ok || !S_ISDIR(e->st.st_mode)) continue;
      if (!strcmp(e->name, ".") || !strcmp(e->name, "..")) continue;
      char *sub = path_join(path, e->name);
      list_directory(sub, sub, 1, 0);
      free(sub);
    }
  }
  free_ents(v, count);
}

APPLET(ls) {
  usage_status = 2;
  enum { FULL_TIME = 256, TIME_STYLE, COLOR };
  static const struct option longs[] = {
    {"all", 0, 0, 'a'}, {"almost-all", 0, 0, 'A'}, {"directory", 0, 0, 'd'}, {"classify", 0, 0, 'F'},
    {"no-group", 0, 0, 'G'}, {"human-readable", 0, 0, 'h'}, {"dereference-command-line", 0, 0, 'H'},
    {"inode", 0, 0, 'i'}, {"dereference", 0, 0, 'L'}, {"numeric-uid-gid", 0, 0, 'n'},
    {"reverse", 0, 0, 'r'}, {"recursive", 0, 0, 'R'}, {"size", 0, 0, 's'},
    {"full-time", 0, 0, FULL_TIME}, {"time-style", 1, 0, TIME_STYLE}, {"color", 2, 0, COLOR},
    {0, 0, 0, 0}};
  tty = isatty(1);
  if (tty) opt_format = 'C';
  int c;
  while ((c = opt_next(argc, argv, "aAcCdfFgGhHilLnoprRsStuU1", longs, 1)) != -1) {
    switch (c) {
      case 'a': opt_all = 1; opt_almost = 0; break;
      case 'A': opt_almost = 1; opt_all = 0; break;
      case 'c': opt_time = 'c'; break;
      case 'u': opt_time = 'u'; break;
      case 'C': opt_format = 'C'; opt_long = 0; break;
      case '1': opt_format = '1'; opt_long = 0; break;
      case 'd': opt_dir = 1; break;
      case 'f': opt_all = 1; opt_sort = 'U'; break;
      case 'U': opt_sort = 'U'; break;
      case 'F': opt_classify = 1; break;
      case 'p': opt_slash = 1; break;
      case 'g': opt_long = 1; opt_no_owner = 1; break;
      case 'o': opt_long = 1; opt_no_group = 1; break;
      case 'G': opt_no_group = 1; break;
      case 'h': opt_human = 1; break;
      case 'H': opt_deref_cmd = 1; break;
      case 'i': opt_inode = 1; break;
      case 'l': opt_long = 1; break;
      case 'L': opt_deref = 1; break;
      case 'n': opt_long = 1; opt_numeric = 1; break;
      case 'r': opt_reverse = 1; break;
      case 'R': opt_recursive = 1; break;
      case 's': opt_size = 1; break;
      case 'S': opt_sort = 'S'; break;
      case 't': opt_sort = 't'; break;
      case FULL_TIME: opt_long = 1; time_style = "full-iso"; break;
      case TIME_STYLE:
        time_style = optarg;
        if (!strncmp(time_style, "posix-", 6)) time_style += 6;
        if (strcmp(time_style, "full-iso") && strcmp(time_style, "long-iso") && strcmp(time_style, "iso") &&
            strcmp(time_style, "locale") && *time_style != '+')
          usage_fail("invalid argument %s for '--time-style'", q(optarg));
        if (!strcmp(time_style, "locale")) time_style = NULL;
        break;
      case COLOR: break;
    }
  }
  now = time(NULL);
  /* GNU: command-line symlinks to directories are followed unless listing long,
   * with -d, or with -F. */
  int follow_cmd = opt_deref || opt_deref_cmd || (!opt_long && !opt_dir && !opt_classify);
  static char *dot[] = {"."};
  char **args = optind < argc ? argv + optind : dot;
  int nargs = optind < argc ? argc - optind : 1;
  struct ent *files = xmalloc(sizeof *files * (size_t)nargs), *dirs = xmalloc(sizeof *dirs * (size_t)nargs);
  int nf = 0, nd = 0;
  for (int i = 0; i < nargs; i++) {
    struct ent e = {0};
    e.name = xstrdup(args[i]);
    e.path = xstrdup(args[i]);
    load(&e, follow_cmd, !opt_deref);
    if (!e.ok) {
      warn_err(errno, "cannot access %s", q(args[i]));
      status = 2;
      free(e.name); free(e.path);
      continue;
    }
    if (S_ISDIR(e.st.st_mode) && !opt_dir) dirs[nd++] = e;
    else files[nf++] = e;
  }
  sort_ents(files, nf);
  sort_ents(dirs, nd);
  if (nf) { print_list(files, nf, dirs, nd); printed_any = 1; }
  int header = nf + nd > 1 || opt_recursive || (status && nd);
  for (int i = 0; i < nd; i++) list_directory(dirs[i].path, dirs[i].name, header, 1);
  free_ents(files, nf);
  free_ents(dirs, nd);
  return status;
}
