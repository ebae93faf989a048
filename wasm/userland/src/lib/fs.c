/* Filesystem helpers: WASI gives types, sizes and times; the layerbox host adds
 * permission bits, owners and device numbers (wasm/ABI.md). */
#include "box.h"
#include "layerbox.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc-find-relpath.h>

int path_at(const char *path, const char **rel) {
  static char *buf;
  static size_t cap;
  size_t need = strlen(path) + PATH_MAX + 1;
  if (need > cap) { cap = need; buf = xrealloc(buf, cap); }
  if (!*path) { errno = ENOENT; return -1; }
  const char *abs;
  char *r = buf;
  int fd = __wasilibc_find_relpath(path, &abs, &r, cap);
  if (fd < 0) return -1;
  *rel = r;
  return fd;
}

static int fill(const char *path, struct stat *st, int follow) {
  if ((follow ? stat(path, st) : lstat(path, st)) != 0) return -1;
  const char *rel;
  int fd = path_at(path, &rel);
  struct lb_stat x;
  int e = fd < 0 ? EBADF : lb_stat_ext(fd, rel, (uint32_t)strlen(rel), follow, &x);
  if (e == 0) {
    mode_t type = (x.mode & S_IFMT) ? (x.mode & S_IFMT) : (st->st_mode & S_IFMT);
    st->st_mode = type | (x.mode & 07777);
    st->st_uid = x.uid;
    st->st_gid = x.gid;
    st->st_rdev = DEV_MAKE(x.rdev_major, x.rdev_minor);
  } else {
    /* Not known to the host: plausible defaults rather than mode 0. */
    st->st_mode |= S_ISDIR(st->st_mode) || S_ISLNK(st->st_mode) ? 0777 & ~022 : 0644;
    if (S_ISLNK(st->st_mode)) st->st_mode |= 0777;
  }
  /* WASI has no block counts; estimate whole 4 KiB blocks, none for symlinks. */
  st->st_blksize = 4096;
  st->st_blocks = S_ISLNK(st->st_mode) ? 0 : (blkcnt_t)((st->st_size + 4095) / 4096) * 8;
  return 0;
}

int xstat(const char *path, struct stat *st) { return fill(path, st, 1); }
int xlstat(const char *path, struct stat *st) { return fill(path, st, 0); }

int xchmod(const char *path, mode_t mode, int follow) {
  const char *rel;
  int fd = path_at(path, &rel);
  if (fd < 0) return -1;
  int e = lb_chmod(fd, rel, (uint32_t)strlen(rel), follow, mode & 07777);
  if (e) { errno = e; return -1; }
  return 0;
}

int xchown(const char *path, int uid, int gid, int follow) {
  const char *rel;
  int fd = path_at(path, &rel);
  if (fd < 0) return -1;
  int e = lb_chown(fd, rel, (uint32_t)strlen(rel), follow, uid, gid);
  if (e) { errno = e; return -1; }
  return 0;
}

mode_t get_umask(void) {
  int m = lb_umask(022);
  lb_umask(m);
  return (mode_t)m & 0777;
}

char *path_join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (n && dir[n - 1] == '/') return xasprintf("%s%s", dir, name);
  return xasprintf("%s/%s", dir, name);
}

char *read_file(const char *path, size_t *len) {
  int fd = open_input(path);
  if (fd < 0) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      int e = errno;
      if (fd) close(fd);
      free(buf);
      errno = e;
      return NULL;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  if (fd) close(fd);
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

char *xreadlink(const char *path) {
  size_t cap = 256;
  for (;;) {
    char *buf = xmalloc(cap);
    ssize_t n = readlink(path, buf, cap);
    if (n < 0) { int e = errno; free(buf); errno = e; return NULL; }
    if ((size_t)n < cap) { buf[n] = 0; return buf; }
    free(buf);
    cap *= 2;
  }
}

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int copy_fd(int in, int out) {
  static char buf[65536];
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (r == 0) return 0;
    if (write_all(out, buf, (size_t)r) < 0) return -1;
  }
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_dir(const char *path, char ***names) {
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0, cap = 16;
  char **v = xmalloc(sizeof *v * (size_t)cap);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
    v[n++] = xstrdup(e->d_name);
  }
  int err = errno;
  closedir(d);
  if (err) { free_names(v, n); errno = err; return -1; }
  qsort(v, (size_t)n, sizeof *v, cmp_names);
  *names = v;
  return n;
}

void free_names(char **names, int n) {
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

int open_input(const char *path) {
  if (!strcmp(path, "-")) return 0;
  return open(path, O_RDONLY);
}

ssize_t read_line(FILE *f, char **buf, size_t *cap, int delim) {
  return getdelim(buf, cap, delim, f);
}
