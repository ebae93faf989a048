/* chown and chgrp through the host's `chown` import (only uid 0 may use it). */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_chown[] =
  "Usage: chown [OPTION]... [OWNER][:[GROUP]] FILE...\n"
  "Change the owner and/or group of each FILE to OWNER and/or GROUP.\n\n"
  "  -c, --changes          like verbose but report only when a change is made\n"
  "  -f, --silent, --quiet  suppress most error messages\n"
  "  -v, --verbose          output a diagnostic for every file processed\n"
  "  -h, --no-dereference   affect symbolic links instead of any referenced file\n"
  "  -R, --recursive        operate on files and directories recursively\n";

const char help_chgrp[] =
  "Usage: chgrp [OPTION]... GROUP FILE...\n"
  "Change the group of each FILE to GROUP.\n\n"
  "  -c, --changes          like verbose but report only when a change is made\n"
  "  -f, --silent, --quiet  suppress most error messages\n"
  "  -v, --verbose          output a diagnostic for every file processed\n"
  "  -h, --no-dereference   affect symbolic links instead of any referenced file\n"
  "  -R, --recursive        operate on files and directories recursively\n";

static int recursive, verbose, changes, quiet, no_deref, status;
static long new_uid = -1, new_gid = -1;
static const char *spec_text;

static void change(const char *path, int top) {
  /* With -R (GNU's -P default) no symlink is followed: links are changed themselves. */
  int follow = top && !no_deref && !recursive;
  struct stat st;
  if ((follow ? xstat(path, &st) : xlstat(path, &st)) != 0) {
    if (!quiet) warn_err(errno, "cannot access %s", q(path));
    status = 1;
    return;
  }
  if (xchown(path, (int)new_uid, (int)new_gid, follow) != 0) {
    if (!quiet) {
      if (new_uid >= 0) warn_err(errno, "changing ownership of %s", q(path));
      else warn_err(errno, "changing group of %s", q(path));
    }
    status = 1;
  } else if (verbose || changes) {
    int same = (new_uid < 0 || (unsigned)new_uid == st.st_uid) && (new_gid < 0 || (unsigned)new_gid == st.st_gid);
    if (!same) printf("changed ownership of %s to %s\n", q(path), spec_text);
    else if (verbose) printf("ownership of %s retained as %s\n", q(path), spec_text);
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

static int run(int argc, char **argv, int group_only) {
  static const struct option longs[] = {
    {"changes", 0, 0, 'c'}, {"silent", 0, 0, 'f'}, {"quiet", 0, 0, 'f'}, {"verbose", 0, 0, 'v'},
    {"no-dereference", 0, 0, 'h'}, {"dereference", 0, 0, 'L'}, {"recursive", 0, 0, 'R'}, {0, 0, 0, 0}};
  int c;
  while ((c = opt_next(argc, argv, "cfvhRHLP", longs, 1)) != -1) {
    switch (c) {
      case 'c': changes = 1; break;
      case 'f': quiet = 1; break;
      case 'v': verbose = 1; break;
      case 'h': no_deref = 1; break;
      case 'R': recursive = 1; break;
    }
  }
  if (optind >= argc) usage_fail("missing operand");
  char *spec = argv[optind++];
  if (optind >= argc) usage_fail("missing operand after %s", q(spec));
  spec_text = spec;
  if (group_only) {
    if ((new_gid = group_id(spec)) < 0) die_msg(1, "invalid group: %s", q(spec));
  } else {
    char *sep = strchr(spec, ':');
    if (!sep) sep = strchr(spec, '.');
    char *user = xstrdup(spec);
    char *grp = NULL;
    if (sep) { user[sep - spec] = 0; grp = user + (sep - spec) + 1; }
    if (*user) {
      if ((new_uid = user_id(user)) < 0) die_msg(1, "invalid user: %s", q(spec));
      /* "user:" means the user's login group. */
      if (grp && !*grp) {
        new_gid = user_gid((unsigned)new_uid);
        if (new_gid < 0) die_msg(1, "invalid spec: %s", q(spec));
      }
    }
    if (grp && *grp && (new_gid = group_id(grp)) < 0) die_msg(1, "invalid group: %s", q(spec));
  }
  for (int i = optind; i < argc; i++) change(argv[i], 1);
  return status;
}

APPLET(chown) { return run(argc, argv, 0); }
APPLET(chgrp) { return run(argc, argv, 1); }
