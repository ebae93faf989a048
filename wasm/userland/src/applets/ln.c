/* ln: hard links (WASI path_link) and symbolic links (path_symlink). */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_ln[] =
  "Usage: ln [OPTION]... [-T] TARGET LINK_NAME\n"
  "  or:  ln [OPTION]... TARGET\n"
  "  or:  ln [OPTION]... TARGET... DIRECTORY\n"
  "Create links to each TARGET; hard links by default, symbolic links with --symbolic.\n\n"
  "  -f, --force                 remove existing destination files\n"
  "  -n, --no-dereference        treat LINK_NAME as a normal file if it is a symbolic link to a directory\n"
  "  -s, --symbolic              make symbolic links instead of hard links\n"
  "  -T, --no-target-directory   treat LINK_NAME as a normal file always\n"
  "  -v, --verbose               print name of each linked file\n";

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  while (s && !s[1] && s != p) {
    /* trailing slash: find the previous component */
    const char *t = s;
    while (t > p && t[-1] != '/') t--;
    if (t == s) break;
    static char buf[4096];
    snprintf(buf, sizeof buf, "%.*s", (int)(s - t), t);
    return buf;
  }
  return s ? s + 1 : p;
}

APPLET(ln) {
  static const struct option longs[] = {
    {"force", 0, 0, 'f'}, {"no-dereference", 0, 0, 'n'}, {"symbolic", 0, 0, 's'},
    {"no-target-directory", 0, 0, 'T'}, {"verbose", 0, 0, 'v'}, {0, 0, 0, 0}};
  int c, force = 0, no_deref = 0, symbolic = 0, no_target = 0, verbose = 0;
  while ((c = opt_next(argc, argv, "fnsTvL", longs, 1)) != -1) {
    switch (c) {
      case 'f': force = 1; break;
      case 'n': no_deref = 1; break;
      case 's': symbolic = 1; break;
      case 'T': no_target = 1; break;
      case 'v': verbose = 1; break;
    }
  }
  int n = argc - optind;
  if (n < 1) usage_fail("missing file operand");
  const char *dest = n == 1 ? "." : argv[argc - 1];
  int nsrc = n == 1 ? 1 : n - 1;
  struct stat st;
  int dest_dir = !no_target && (no_deref ? xlstat(dest, &st) : xstat(dest, &st)) == 0 && S_ISDIR(st.st_mode);
  if (nsrc > 1 && !dest_dir) {
    if (no_target) usage_fail("extra operand %s", q(argv[optind + 2]));
    die_msg(1, "target %s is not a directory", q(dest));
  }
  int status = 0;
  for (int i = 0; i < nsrc; i++) {
    const char *target = argv[optind + i];
    char *name = dest_dir ? path_join(dest, base_name(target)) : xstrdup(dest);
    if (force) {
      struct stat ls;
      if (xlstat(name, &ls) == 0) {
        if (S_ISDIR(ls.st_mode)) {
          warn_msg("%s: cannot overwrite directory", q(name));
          status = 1;
          free(name);
          continue;
        }
        unlink(name);
      }
    }
    int r = symbolic ? symlink(target, name) : link(target, name);
    if (r != 0) {
      int e = errno;
      if (symbolic) warn_err(e, "failed to create symbolic link %s", q(name));
      else if (e == ENOENT && xlstat(target, &st) != 0) warn_err(e, "failed to access %s", q(target));
      else warn_err(e, "failed to create hard link %s => %s", q(name), q(target));
      status = 1;
    } else if (verbose) {
      printf("%s %s %s\n", q(name), symbolic ? "->" : "=>", q(target));
    }
    free(name);
  }
  return status;
}
