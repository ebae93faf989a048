/* cp and mv. mv renames, and copies then removes when the rename crosses devices. */
#include "box.h"
#include "copy.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_cp[] =
  "Usage: cp [OPTION]... [-T] SOURCE DEST\n"
  "  or:  cp [OPTION]... SOURCE... DIRECTORY\n"
  "  or:  cp [OPTION]... -t DIRECTORY SOURCE...\n"
  "Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.\n\n"
  "  -a, --archive                same as -dR --preserve=all\n"
  "  -d                           same as --no-dereference --preserve=links\n"
  "  -f, --force                  if an existing destination file cannot be opened, remove it and try again\n"
  "  -H                           follow command-line symbolic links in SOURCE\n"
  "  -L, --dereference            always follow symbolic links in SOURCE\n"
  "  -n, --no-clobber             do not overwrite an existing file\n"
  "  -P, --no-dereference         never follow symbolic links in SOURCE\n"
  "  -p                           same as --preserve=mode,ownership,timestamps\n"
  "      --preserve[=ATTR_LIST]   preserve the specified attributes (mode,ownership,timestamps,links,all)\n"
  "  -R, -r, --recursive          copy directories recursively\n"
  "  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY\n"
  "  -T, --no-target-directory    treat DEST as a normal file\n"
  "  -v, --verbose                explain what is being done\n";

const char help_mv[] =
  "Usage: mv [OPTION]... [-T] SOURCE DEST\n"
  "  or:  mv [OPTION]... SOURCE... DIRECTORY\n"
  "  or:  mv [OPTION]... -t DIRECTORY SOURCE...\n"
  "Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.\n\n"
  "  -f, --force                  do not prompt before overwriting\n"
  "  -n, --no-clobber             do not overwrite an existing file\n"
  "  -t, --target-directory=DIRECTORY  move all SOURCE arguments into DIRECTORY\n"
  "  -T, --no-target-directory    treat DEST as a normal file\n"
  "  -v, --verbose                explain what is being done\n";

static const char *base_name(const char *p) {
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  static char buf[4096];
  size_t start = n;
  while (start > 0 && p[start - 1] != '/') start--;
  snprintf(buf, sizeof buf, "%.*s", (int)(n - start), p + start);
  return buf;
}

/* Splits operands into sources and the destination, as cp and mv share it.
 * Returns the number of sources; *into_dir says whether dest is a directory. */
static int targets(int argc, char **argv, const char *target_dir, int no_target, char ***srcs, const char **dest,
                   int *into_dir) {
  int n = argc - optind;
  if (target_dir) {
    struct stat st;
    if (xstat(target_dir, &st) != 0) die_err(1, errno, "target directory %s", q(target_dir));
    if (!S_ISDIR(st.st_mode)) die_msg(1, "target %s is not a directory", q(target_dir));
    if (n < 1) usage_fail("missing file operand");
    *srcs = argv + optind;
    *dest = target_dir;
    *into_dir = 1;
    return n;
  }
  if (n < 1) usage_fail("missing file operand");
  if (n < 2) usage_fail("missing destination file operand after %s", q(argv[optind]));
  *dest = argv[argc - 1];
  *srcs = argv + optind;
  struct stat st;
  int is_dir = xstat(*dest, &st) == 0 && S_ISDIR(st.st_mode);
  if (no_target) {
    if (n > 2) usage_fail("extra operand %s", q(argv[optind + 2]));
    *into_dir = 0;
    return 1;
  }
  if (n > 2 && !is_dir) die_msg(1, "target %s is not a directory", q(*dest));
  *into_dir = is_dir;
  return n - 1;
}

APPLET(cp) {
  enum { PRESERVE = 256 };
  static const struct option longs[] = {
    {"archive", 0, 0, 'a'}, {"force", 0, 0, 'f'}, {"dereference", 0, 0, 'L'}, {"no-clobber", 0, 0, 'n'},
    {"no-dereference", 0, 0, 'P'}, {"preserve", 2, 0, PRESERVE}, {"recursive", 0, 0, 'r'},
    {"target-directory", 1, 0, 't'}, {"no-target-directory", 0, 0, 'T'}, {"verbose", 0, 0, 'v'},
    {"interactive", 0, 0, 'i'}, {0, 0, 0, 0}};
  struct copy_opts o = {0};
  int c, deref = -1, no_target = 0;
  const char *target_dir = NULL;
  while ((c = opt_next(argc, argv, "adfHiLnPprRt:Tv", longs, 1)) != -1) {
    switch (c) {
      case 'a': o.recursive = 1; deref = 0; o.mode = o.owner = o.times = o.links = 1; break;
      case 'd': deref = 0; o.links = 1; break;
      case 'f': o.force = 1; break;
      case 'H': o.deref_top = 1; break;
      case 'i': break;
      case 'L': deref = 1; break;
      case 'n': o.no_clobber = 1; break;
      case 'P': deref = 0; break;
      case 'p': o.mode = o.owner = o.times = 1; break;
      case 'r': case 'R': o.recursive = 1; break;
      case 't': target_dir = optarg; break;
      case 'T': no_target = 1; break;
      case 'v': o.verbose = 1; break;
      case PRESERVE: {
        const char *list = optarg ? optarg : "mode,ownership,timestamps";
        char *copy = xstrdup(list);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
          if (!strcmp(tok, "mode")) o.mode = 1;
          else if (!strcmp(tok, "ownership")) o.owner = 1;
          else if (!strcmp(tok, "timestamps")) o.times = 1;
          else if (!strcmp(tok, "links")) o.links = 1;
          else if (!strcmp(tok, "all")) o.mode = o.owner = o.times = o.links = 1;
          else if (strcmp(tok, "context") && strcmp(tok, "xattr"))
            usage_fail("invalid argument %s for '--preserve'", q(tok));
        }
        free(copy);
        break;
      }
    }
  }
  /* Without -R, symlinks are followed; with it, copied as links (GNU). */
  if (deref < 0) deref = !o.recursive;
  o.deref = deref;
  char **srcs;
  const char *dest;
  int into_dir, n = targets(argc, argv, target_dir, no_target, &srcs, &dest, &into_dir), status = 0;
  for (int i = 0; i < n; i++) {
    char *d = into_dir ? path_join(dest, base_name(srcs[i])) : xstrdup(dest);
    status |= copy_tree(&o, srcs[i], d, 1);
    free(d);
  }
  return status;
}

/* Removes a tree after it was copied elsewhere. */
static int remove_tree(const char *path) {
  struct stat st;
  if (xlstat(path, &st) != 0) return -1;
  if (S_ISDIR(st.st_mode)) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) return -1;
    for (int i = 0; i < n; i++) {
      char *child = path_join(path, names[i]);
      int r = remove_tree(child);
      free(child);
      if (r != 0) { free_names(names, n); return -1; }
    }
    free_names(names, n);
    return rmdir(path);
  }
  return unlink(path);
}

APPLET(mv) {
  static const struct option longs[] = {
    {"force", 0, 0, 'f'}, {"no-clobber", 0, 0, 'n'}, {"target-directory", 1, 0, 't'},
    {"no-target-directory", 0, 0, 'T'}, {"verbose", 0, 0, 'v'}, {"interactive", 0, 0, 'i'}, {0, 0, 0, 0}};
  int c, no_clobber = 0, no_target = 0, verbose = 0;
  const char *target_dir = NULL;
  while ((c = opt_next(argc, argv, "fint:Tv", longs, 1)) != -1) {
    switch (c) {
      case 'n': no_clobber = 1; break;
      case 'f': no_clobber = 0; break;
      case 't': target_dir = optarg; break;
      case 'T': no_target = 1; break;
      case 'v': verbose = 1; break;
    }
  }
  char **srcs;
  const char *dest;
  int into_dir, n = targets(argc, argv, target_dir, no_target, &srcs, &dest, &into_dir), status = 0;
  for (int i = 0; i < n; i++) {
    const char *src = srcs[i];
    char *d = into_dir ? path_join(dest, base_name(src)) : xstrdup(dest);
    struct stat ss, ds;
    if (xlstat(src, &ss) != 0) {
      warn_err(errno, "cannot stat %s", q(src));
      status = 1;
    } else if (xlstat(d, &ds) == 0 && ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino) {
      warn_msg("%s and %s are the same file", q(src), q(d));
      status = 1;
    } else if (no_clobber && xlstat(d, &ds) == 0) {
      /* keep the existing file */
    } else if (xlstat(d, &ds) == 0 && S_ISDIR(ds.st_mode) && !S_ISDIR(ss.st_mode)) {
      warn_msg("cannot overwrite directory %s with non-directory", q(d));
      status = 1;
    } else if (xlstat(d, &ds) == 0 && !S_ISDIR(ds.st_mode) && S_ISDIR(ss.st_mode)) {
      warn_msg("cannot overwrite non-directory %s with directory %s", q(d), q(src));
      status = 1;
    } else if (rename(src, d) == 0) {
      if (verbose) printf("renamed %s -> %s\n", q(src), q(d));
    } else if (errno == EXDEV) {
      struct copy_opts o = {.recursive = 1, .mode = 1, .owner = 1, .times = 1, .links = 1};
      if (copy_tree(&o, src, d, 1) == 0 && remove_tree(src) == 0) {
        if (verbose) printf("renamed %s -> %s\n", q(src), q(d));
      } else {
        warn_err(errno, "cannot remove %s", q(src));
        status = 1;
      }
    } else {
      int e = errno;
      if (e == ENOTEMPTY || e == EEXIST) warn_err(e, "cannot move %s to %s", q(src), q(d));
      else if (e == EINVAL) warn_msg("cannot move %s to a subdirectory of itself, %s", q(src), q(d));
      else warn_err(e, "cannot move %s to %s", q(src), q(d));
      status = 1;
    }
    free(d);
  }
  return status;
}
