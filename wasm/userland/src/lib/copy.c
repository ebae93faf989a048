/* Copying trees for cp and mv: regular files, directories, symlinks and hard links,
 * optionally keeping modes, owners and times. */
#include "box.h"
#include "copy.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc.h>

struct seen { dev_t dev; ino_t ino; char *dest; };
static struct seen *links, *made;
static int n_links, n_made, cap_links, cap_made;

static void remember(struct seen **v, int *n, int *cap, dev_t dev, ino_t ino, const char *dest) {
  if (*n == *cap) *v = xrealloc(*v, sizeof **v * (size_t)(*cap = *cap ? *cap * 2 : 16));
  (*v)[(*n)++] = (struct seen){dev, ino, dest ? xstrdup(dest) : NULL};
}

static struct seen *lookup(struct seen *v, int n, dev_t dev, ino_t ino) {
  for (int i = 0; i < n; i++) if (v[i].dev == dev && v[i].ino == ino) return &v[i];
  return NULL;
}

static void set_times(const char *dest, const struct stat *st, int follow) {
  struct timespec ts[2] = {st->st_atim, st->st_mtim};
  (void)__wasilibc_utimens(dest, ts, follow ? 0 : AT_SYMLINK_NOFOLLOW);
}

/* Keeps the attributes -p asks for; mode last, since chown clears set-id bits. */
static int preserve(const struct copy_opts *o, const char *dest, const struct stat *st, int is_link) {
  if (o->owner && xchown(dest, (int)st->st_uid, (int)st->st_gid, !is_link) != 0 && errno != EPERM) {
    warn_err(errno, "failed to preserve ownership for %s", q(dest));
    return 1;
  }
  if (o->times) set_times(dest, st, !is_link);
  if (!is_link && o->mode && xchmod(dest, st->st_mode & 07777, 1) != 0) {
    warn_err(errno, "preserving permissions for %s", q(dest));
    return 1;
  }
  return 0;
}

static int copy_file(const struct copy_opts *o, const char *src, const char *dest, const struct stat *st) {
  int in = open(src, O_RDONLY);
  if (in < 0) { warn_err(errno, "cannot open %s for reading", q(src)); return 1; }
  struct stat dst;
  int existed = xstat(dest, &dst) == 0;
  int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (out < 0 && o->force && existed) {
    unlink(dest);
    existed = 0;
    out = open(dest, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  }
  if (out < 0) {
    warn_err(errno, "cannot create regular file %s", q(dest));
    close(in);
    return 1;
  }
  int failed = 0;
  if (copy_fd(in, out) != 0) { warn_err(errno, "error copying %s to %s", q(src), q(dest)); failed = 1; }
  close(in);
  if (close(out) != 0 && !failed) { warn_err(errno, "error writing %s", q(dest)); failed = 1; }
  if (failed) return 1;
  if (!existed && !o->mode) {
    /* A new file takes the source's mode, less the umask (as GNU cp does). */
    xchmod(dest, st->st_mode & 0777 & ~get_umask(), 1);
  }
  return preserve(o, dest, st, 0);
}

int copy_tree(const struct copy_opts *o, const char *src, const char *dest, int top) {
  struct stat st;
  int follow = o->deref || (top && o->deref_top);
  if ((follow ? xstat(src, &st) : xlstat(src, &st)) != 0) {
    warn_err(errno, "cannot stat %s", q(src));
    return 1;
  }
  struct stat dst;
  int dest_exists = xlstat(dest, &dst) == 0;
  if (dest_exists && dst.st_dev == st.st_dev && dst.st_ino == st.st_ino) {
    warn_msg("%s and %s are the same file", q(src), q(dest));
    return 1;
  }
  if (o->verbose) printf("%s -> %s\n", q(src), q(dest));

  if (S_ISDIR(st.st_mode)) {
    if (!o->recursive) {
      warn_msg("-r not specified; omitting directory %s", q(src));
      return 1;
    }
    if (lookup(made, n_made, st.st_dev, st.st_ino)) {
      warn_msg("cannot copy a directory, %s, into itself, %s", q(src), q(dest));
      return 1;
    }
    if (dest_exists && !S_ISDIR(dst.st_mode)) {
      warn_msg("cannot overwrite non-directory %s with directory %s", q(dest), q(src));
      return 1;
    }
    if (!dest_exists) {
      if (mkdir(dest, 0700) != 0) { warn_err(errno, "cannot create directory %s", q(dest)); return 1; }
      struct stat made_st;
      if (xstat(dest, &made_st) == 0) remember(&made, &n_made, &cap_made, made_st.st_dev, made_st.st_ino, NULL);
    }
    char **names;
    int n = list_dir(src, &names), failed = 0;
    if (n < 0) {
      warn_err(errno, "cannot access %s", q(src));
      return 1;
    }
    for (int i = 0; i < n; i++) {
      char *s = path_join(src, names[i]), *d = path_join(dest, names[i]);
      failed |= copy_tree(o, s, d, 0);
      free(s);
      free(d);
    }
    free_names(names, n);
    if (!dest_exists && !o->mode) xchmod(dest, st.st_mode & 07777 & ~get_umask(), 1);
    return preserve(o, dest, &st, 0) | failed;
  }

  if (dest_exists && S_ISDIR(dst.st_mode)) {
    warn_msg("cannot overwrite directory %s with non-directory", q(dest));
    return 1;
  }
  if (dest_exists && o->no_clobber) return 0;

  if (o->links && st.st_nlink > 1) {
    struct seen *s = lookup(links, n_links, st.st_dev, st.st_ino);
    if (s) {
      if (dest_exists) unlink(dest);
      if (link(s->dest, dest) != 0) { warn_err(errno, "cannot create hard link %s to %s", q(dest), q(s->dest)); return 1; }
      return 0;
    }
    remember(&links, &n_links, &cap_links, st.st_dev, st.st_ino, dest);
  }

  if (S_ISLNK(st.st_mode)) {
    char *target = xreadlink(src);
    if (!target) { warn_err(errno, "cannot read symbolic link %s", q(src)); return 1; }
    if (dest_exists) unlink(dest);
    int r = symlink(target, dest);
    free(target);
    if (r != 0) { warn_err(errno, "cannot create symbolic link %s", q(dest)); return 1; }
    return preserve(o, dest, &st, 1);
  }
  if (!S_ISREG(st.st_mode)) {
    warn_err(ENOTSUP, "cannot create special file %s", q(dest));
    return 1;
  }
  return copy_file(o, src, dest, &st);
}
