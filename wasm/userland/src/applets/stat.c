/* stat: GNU stat's default layout and its -c/--printf directives. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_stat[] =
  "Usage: stat [OPTION]... FILE...\n"
  "Display file or file system status.\n\n"
  "  -L, --dereference     follow links\n"
  "  -c  --format=FORMAT   use the specified FORMAT instead of the default;\n"
  "                          output a newline after each use of FORMAT\n"
  "      --printf=FORMAT   like --format, but interpret backslash escapes,\n"
  "                          and do not output a mandatory trailing newline\n"
  "  -t, --terse           print the information in terse form\n\n"
  "Format sequences: %a %A %b %B %d %D %f %F %g %G %h %i %m %n %N %o %s %t %T\n"
  "%u %U %w %W %x %X %y %Y %z %Z (as in GNU stat).\n";

/* %N quotes names (GNU's shell-escape-always style); the default "File:" line does not. */
static int quote_names = 1;

static void quoted(const char *s, char **out) {
  if (!quote_names) { *out = xstrdup(s); return; }
  size_t n = strlen(s);
  char *o = *out = xmalloc(n * 4 + 3);
  *o++ = '\'';
  for (; *s; s++) {
    if (*s == '\'') { memcpy(o, "'\\''", 4); o += 4; } else *o++ = *s;
  }
  *o++ = '\'';
  *o = 0;
}

static void time_text(struct timespec ts, char *out, size_t n) {
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char a[40];
  strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(out, n, "%s.%09ld +0000", a, ts.tv_nsec);
}

/* Prints one directive with the printf flags/width in `spec` (e.g. "%-10"). */
static void directive(const char *spec, const char *mod, char conv, const char *path, const struct stat *st) {
  char fmt[48], buf[128];
  char *owned = NULL;
  const char *s = NULL;
  unsigned long long u = 0;
  int is_num = 1, hex = 0;
  switch (conv) {
    case 'a': snprintf(fmt, sizeof fmt, "%so", spec); printf(fmt, (unsigned)(st->st_mode & 07777)); return;
    case 'A': mode_string(st->st_mode, buf); s = buf; break;
    case 'b': u = (unsigned long long)st->st_blocks; break;
    case 'B': u = 512; break;
    case 'd':
      if (*mod == 'H') u = DEV_MAJOR(st->st_dev);
      else if (*mod == 'L') u = DEV_MINOR(st->st_dev);
      else u = (unsigned long long)st->st_dev;
      break;
    case 'D': u = (unsigned long long)st->st_dev; hex = 1; break;
    case 'f': u = st->st_mode; hex = 1; break;
    case 'F': s = file_type_name(st); break;
    case 'g': u = st->st_gid; break;
    case 'G': s = group_name(st->st_gid); if (!s) s = "UNKNOWN"; break;
    case 'h': u = st->st_nlink; break;
    case 'i': u = (unsigned long long)st->st_ino; break;
    case 'm': s = "/"; break;
    case 'n': s = path; break;
    case 'N': {
      char *name;
      quoted(path, &name);
      if (S_ISLNK(st->st_mode)) {
        char *target = xreadlink(path), *qt;
        quoted(target ? target : "", &qt);
        owned = xasprintf("%s -> %s", name, qt);
        free(target);
        free(qt);
        free(name);
      } else owned = name;
      s = owned;
      break;
    }
    case 'o': u = 4096; break;
    case 'r':
      if (*mod == 'H') u = DEV_MAJOR(st->st_rdev);
      else if (*mod == 'L') u = DEV_MINOR(st->st_rdev);
      else u = (unsigned long long)st->st_rdev;
      break;
    case 's': u = (unsigned long long)st->st_size; break;
    case 't': u = DEV_MAJOR(st->st_rdev); hex = 1; break;
    case 'T': u = DEV_MINOR(st->st_rdev); hex = 1; break;
    case 'u': u = st->st_uid; break;
    case 'U': s = user_name(st->st_uid); if (!s) s = "UNKNOWN"; break;
    case 'w': s = "-"; break;
    case 'W': u = 0; break;
    case 'x': time_text(st->st_atim, buf, sizeof buf); s = buf; break;
    case 'X': u = (unsigned long long)st->st_atim.tv_sec; break;
    case 'y': time_text(st->st_mtim, buf, sizeof buf); s = buf; break;
    case 'Y': u = (unsigned long long)st->st_mtim.tv_sec; break;
    case 'z': time_text(st->st_ctim, buf, sizeof buf); s = buf; break;
    case 'Z': u = (unsigned long long)st->st_ctim.tv_sec; break;
    default:
      printf("%s%s%c", spec, mod, conv);
      return;
  }
  if (s) is_num = 0;
  if (is_num) {
    snprintf(fmt, sizeof fmt, "%sll%c", spec, hex ? 'x' : 'u');
    printf(fmt, u);
  } else {
    snprintf(fmt, sizeof fmt, "%ss", spec);
    printf(fmt, s);
  }
  free(owned);
}

static void format(const char *f, const char *path, const struct stat *st) {
  for (const char *p = f; *p; p++) {
    if (*p != '%') { putchar(*p); continue; }
    if (p[1] == '%') { putchar('%'); p++; continue; }
    if (!p[1]) { putchar('%'); break; }
    char spec[32];
    size_t n = 0;
    spec[n++] = '%';
    p++;
    while (*p && strchr("-+ #0'", *p) && n < 10) spec[n++] = *p++;
    while (isdigit((unsigned char)*p) && n < 20) spec[n++] = *p++;
    if (*p == '.') { spec[n++] = *p++; while (isdigit((unsigned char)*p) && n < 28) spec[n++] = *p++; }
    spec[n] = 0;
    char mod[2] = {0};
    if ((*p == 'H' || *p == 'L') && p[1] && strchr("dr", p[1])) mod[0] = *p++;
    if (!*p) { fputs(spec, stdout); break; }
    directive(spec, mod, *p, path, st);
  }
}

APPLET(stat) {
  enum { PRINTF = 256 };
  static const struct option longs[] = {
    {"dereference", 0, 0, 'L'}, {"format", 1, 0, 'c'}, {"printf", 1, 0, PRINTF}, {"terse", 0, 0, 't'},
    {0, 0, 0, 0}};
  int c, follow = 0, terse = 0;
  const char *fmt = NULL;
  int newline = 1;
  while ((c = opt_next(argc, argv, "Lc:t", longs, 1)) != -1) {
    switch (c) {
      case 'L': follow = 1; break;
      case 'c': fmt = optarg; newline = 1; break;
      case 't': terse = 1; break;
      case PRINTF: {
        char *buf = xmalloc(strlen(optarg) + 1);
        int stop;
        buf[unescape(optarg, buf, &stop, 1)] = 0;
        fmt = buf;
        newline = 0;
        break;
      }
    }
  }
  if (optind >= argc) usage_fail("missing operand");
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    struct stat st;
    if ((follow ? xstat(path, &st) : xlstat(path, &st)) != 0) {
      warn_err(errno, "cannot statx %s", q(path));
      status = 1;
      continue;
    }
    if (fmt) {
      format(fmt, path, &st);
      if (newline) putchar('\n');
    } else if (terse) {
      format("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n", path, &st);
    } else {
      int dev = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
      quote_names = 0;
      format("  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n", path, &st);
      format(dev ? "Device: %Hd,%Ld\tInode: %-11i Links: %-5h Device type: %Hr,%Lr\n"
                 : "Device: %Hd,%Ld\tInode: %-11i Links: %h\n", path, &st);
      quote_names = 1;
      format("Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"
             "Access: %x\nModify: %y\nChange: %z\n Birth: %w\n", path, &st);
    }
  }
  return status;
}
