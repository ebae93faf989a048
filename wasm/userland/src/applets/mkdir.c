/* mkdir and rmdir. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_mkdir[] =
  "Usage: mkdir [OPTION]... DIRECTORY...\n"
  "Create the DIRECTORY(ies), if they do not already exist.\n\n"
  "  -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask\n"
  "  -p, --parents     no error if existing, make parent directories as needed\n"
  "  -v, --verbose     print a message for each created directory\n";

const char help_rmdir[] =
  "Usage: rmdir [OPTION]... DIRECTORY...\n"
  "Remove the DIRECTORY(ies), if they are empty.\n\n"
  "      --ignore-fail-on-non-empty  ignore each failure to remove a non-empty directory\n"
  "  -p, --parents   remove DIRECTORY and its ancestors\n"
  "  -v, --verbose   output a diagnostic for every directory processed\n";

/* Applies a chmod-style mode (lib: chmod.c) to a base mode. */
int parse_mode(const char *spec, mode_t base, int is_dir, mode_t umask_bits, mode_t *out);

static int verbose;

static int make(const char *path, int mode_set, mode_t mode) {
  if (mkdir(path, 0777) != 0) return -1;
  if (verbose) printf("mkdir: created directory %s\n", q(path));
  if (mode_set && xchmod(path, mode, 1) != 0) return -1;
  return 0;
}

APPLET(mkdir) {
  static const struct option longs[] = {{"mode", 1, 0, 'm'}, {"parents", 0, 0, 'p'}, {"verbose", 0, 0, 'v'}, {0, 0, 0, 0}};
  int c, parents = 0;
  const char *mode_spec = NULL;
  while ((c = opt_next(argc, argv, "m:pv", longs, 1)) != -1) {
    if (c == 'm') mode_spec = optarg;
    else if (c == 'p') parents = 1;
    else verbose = 1;
  }
  if (optind >= argc) usage_fail("missing operand");
  mode_t umask_bits = get_umask(), mode = 0;
  if (mode_spec && parse_mode(mode_spec, 0777, 1, umask_bits, &mode) != 0)
    die_msg(1, "invalid mode %s", q(mode_spec));
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    if (parents) {
      char *p = xstrdup(path);
      /* Create each missing ancestor with the default mode, then the leaf. */
      for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        struct stat st;
        if (xstat(p, &st) != 0 && make(p, 0, 0) != 0 && errno != EEXIST) {
          warn_err(errno, "cannot create directory %s", q(p));
          status = 1;
          break;
        }
        *s = '/';
      }
      free(p);
      struct stat st;
      if (xstat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) { warn_err(EEXIST, "cannot create directory %s", q(path)); status = 1; }
        continue;
      }
    }
    if (make(path, mode_spec != NULL, mode) != 0) {
      warn_err(errno, "cannot create directory %s", q(path));
      status = 1;
    }
  }
  return status;
}

APPLET(rmdir) {
  enum { IGNORE = 256 };
  static const struct option longs[] = {
    {"ignore-fail-on-non-empty", 0, 0, IGNORE}, {"parents", 0, 0, 'p'}, {"verbose", 0, 0, 'v'}, {0, 0, 0, 0}};
  int c, parents = 0, ignore = 0;
  while ((c = opt_next(argc, argv, "pv", longs, 1)) != -1) {
    if (c == 'p') parents = 1;
    else if (c == 'v') verbose = 1;
    else ignore = 1;
  }
  if (optind >= argc) usage_fail("missing operand");
  int status = 0;
  for (int i = optind; i < argc; i++) {
    char *p = xstrdup(argv[i]);
    for (;;) {
      size_t n = strlen(p);
      while (n > 1 && p[n - 1] == '/') p[--n] = 0;
      if (verbose) printf("rmdir: removing directory, %s\n", q(p));
      if (rmdir(p) != 0) {
        int e = errno;
        if (!(ignore && (e == ENOTEMPTY || e == EEXIST))) {
          warn_err(e, "failed to remove %s", q(p));
          status = 1;
        }
        break;
      }
      if (!parents) break;
      char *slash = strrchr(p, '/');
      if (!slash || slash == p) break;
      *slash = 0;
    }
    free(p);
  }
  return status;
}
