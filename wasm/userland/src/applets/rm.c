/* rm: remove files, and directories with -r or -d. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_rm[] =
  "Usage: rm [OPTION]... [FILE]...\n"
  "Remove (unlink) the FILE(s).\n\n"
  "  -f, --force           ignore nonexistent files and arguments, never prompt\n"
  "  -i                    prompt before every removal\n"
  "  -r, -R, --recursive   remove directories and their contents recursively\n"
  "  -d, --dir             remove empty directories\n"
  "  -v, --verbose         explain what is being done\n"
  "      --no-preserve-root  do not treat '/' specially\n";

static int force, interactive, recursive, dirs, verbose;

static int confirm(const char *what, const char *path) {
  if (!interactive) return 1;
  fprintf(stderr, "rm: %s %s? ", what, q(path));
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 0;
  return line[0] == 'y' || line[0] == 'Y';
}

/* Returns 0 when removed (or skipped by a prompt), 1 on failure. */
static int remove_path(const char *path) {
  struct stat st;
  if (xlstat(path, &st) != 0) {
    if (force && errno == ENOENT) return 0;
    warn_err(errno, "cannot remove %s", q(path));
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    const char *kind = S_ISLNK(st.st_mode) ? "remove symbolic link" :
                       S_ISREG(st.st_mode) && st.st_size == 0 ? "remove regular empty file" :
                       S_ISREG(st.st_mode) ? "remove regular file" : "remove";
    if (!confirm(kind, path)) return 0;
    if (unlink(path) != 0) {
      if (force && errno == ENOENT) return 0;
      warn_err(errno, "cannot remove %s", q(path));
      return 1;
    }
    if (verbose) printf("removed %s\n", q(path));
    return 0;
  }
  if (!recursive && !dirs) {
    warn_err(EISDIR, "cannot remove %s", q(path));
    return 1;
  }
  int failed = 0;
  if (recursive) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) {
      /* An unreadable but empty directory can still be removed. */
      n = 0;
      names = NULL;
    }
    if (n > 0 && interactive && !confirm("descend into directory", path)) { free_names(names, n); return 0; }
    for (int i = 0; i < n; i++) {
      char *child = path_join(path, names[i]);
      failed |= remove_path(child);
      free(child);
    }
    if (names) free_names(names, n);
  }
  if (failed) return 1;
  if (!confirm("remove directory", path)) return 0;
  if (rmdir(path) != 0) {
    warn_err(errno, "cannot remove %s", q(path));
    return 1;
  }
  if (verbose) printf("removed directory %s\n", q(path));
  return 0;
}

APPLET(rm) {
  enum { NO_PRESERVE = 256, PRESERVE };
  static const struct option longs[] = {
    {"force", 0, 0, 'f'}, {"recursive", 0, 0, 'r'}, {"dir", 0, 0, 'd'}, {"verbose", 0, 0, 'v'},
    {"no-preserve-root", 0, 0, NO_PRESERVE}, {"preserve-root", 0, 0, PRESERVE}, {0, 0, 0, 0}};
  int c, preserve_root = 1;
  while ((c = opt_next(argc, argv, "fiIrRdv", longs, 1)) != -1) {
    switch (c) {
      case 'f': force = 1; interactive = 0; break;
      case 'i': interactive = 1; force = 0; break;
      case 'I': break;
      case 'r': case 'R': recursive = 1; break;
      case 'd': dirs = 1; break;
      case 'v': verbose = 1; break;
      case NO_PRESERVE: preserve_root = 0; break;
      case PRESERVE: preserve_root = 1; break;
    }
  }
  if (optind >= argc) {
    if (force) return 0;
    usage_fail("missing operand");
  }
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strcmp(base, ".") || !strcmp(base, "..")) {
      warn_msg("refusing to remove '.' or '..' directory: skipping %s", q(path));
      status = 1;
      continue;
    }
    if (recursive && preserve_root && strspn(path, "/") == strlen(path)) {
      warn_msg("it is dangerous to operate recursively on %s", q(path));
      warn_msg("use --no-preserve-root to override this failsafe");
      status = 1;
      continue;
    }
    status |= remove_path(path);
  }
  return status;
}
