/* tar: create, extract and list archives in GNU format (ustar headers with GNU's
 * magic and ././@LongLink entries for long names); reads ustar, GNU and pax headers.
 * Keeps modes, owners, mtimes, symlinks and hard links. -z through lib/deflate.c. */
#include "box.h"
#include "layerbox.h"
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc.h>

const char help_tar[] =
  "Usage: tar [OPTION...] [FILE]...\n"
  "Store files in, list or extract them from an archive.\n\n"
  "  -c, --create               create a new archive\n"
  "  -t, --list                 list the contents of an archive\n"
  "  -x, --extract, --get       extract files from an archive\n"
  "  -f, --file=ARCHIVE         use archive file ARCHIVE (- for standard input/output)\n"
  "  -C, --directory=DIR        change to directory DIR\n"
  "  -v, --verbose              verbosely list files processed\n"
  "  -z, --gzip                 filter the archive through gzip\n"
  "  -O, --to-stdout            extract files to standard output\n"
  "  -p, --preserve-permissions extract information about file permissions (default for root)\n"
  "  -h, --dereference          follow symlinks; archive the files they point to\n"
  "      --numeric-owner        always use numbers for user/group names\n"
  "      --no-same-owner        extract files as yourself\n"
  "      --strip-components=N   strip N leading components from file names on extraction\n"
  "      --exclude=PATTERN      exclude files matching PATTERN\n";

static int verbose, gz, to_stdout, preserve, deref, numeric_owner, same_owner = -1, strip;
static char **excludes;
static int nexcludes;
static int status;
static int is_root;
static const char *archive_name = "-";

/* ---- output -------------------------------------------------------------------- */

static int out_fd = -1;
static uint8_t *mem;          /* the whole archive when compressing */
static size_t mem_n, mem_cap;
static unsigned long long written;

static void emit(const void *p, size_t n) {
  written += n;
  if (gz) {
    if (mem_n + n > mem_cap) mem = xrealloc(mem, mem_cap = (mem_n + n) * 2 + 65536);
    memcpy(mem + mem_n, p, n);
    mem_n += n;
    return;
  }
  if (write_all(out_fd, p, n) != 0) die_err(2, errno, "%s: Cannot write", archive_name);
}

static void octal(char *field, size_t size, unsigned long long v) {
  /* size-1 digits and a NUL, as GNU tar writes them */
  snprintf(field, size, "%0*llo", (int)size - 1, v);
}

struct header {
  char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag, linkname[100];
  char magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct header) == 512, "tar header is 512 bytes");

static void checksum(struct header *h) {
  memset(h->chksum, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; i++) sum += ((unsigned char *)h)[i];
  snprintf(h->chksum, 8, "%06o", sum);
  h->chksum[7] = ' ';
}

static void long_entry(char type, const char *text) {
  struct header h;
  memset(&h, 0, sizeof h);
  strcpy(h.name, "././@LongLink");
  octal(h.mode, 8, 0644);
  octal(h.uid, 8, 0);
  octal(h.gid, 8, 0);
  size_t n = strlen(text) + 1;
  octal(h.size, 12, n);
  octal(h.mtime, 12, 0);
  h.typeflag = type;
  memcpy(h.magic, "ustar ", 6);
  memcpy(h.version, " ", 2);
  strcpy(h.uname, "root");
  strcpy(h.gname, "root");
  checksum(&h);
  emit(&h, 512);
  static const char zero[512];
  emit(text, n);
  if (n % 512) emit(zero, 512 - n % 512);
}

static void write_header(const char *name, const struct stat *st, char type, const char *link, unsigned long long size) {
  if (strlen(name) > 100) long_entry('L', name);
  if (link && strlen(link) > 100) long_entry('K', link);
  struct header h;
  memset(&h, 0, sizeof h);
  memcpy(h.name, name, strlen(name) > 100 ? 100 : strlen(name));
  octal(h.mode, 8, st->st_mode & 07777);
  octal(h.uid, 8, st->st_uid);
  octal(h.gid, 8, st->st_gid);
  octal(h.size, 12, size);
  octal(h.mtime, 12, st->st_mtim.tv_sec < 0 ? 0 : (unsigned long long)st->st_mtim.tv_sec);
  h.typeflag = type;
  if (link) memcpy(h.linkname, link, strlen(link) > 100 ? 100 : strlen(link));
  memcpy(h.magic, "ustar ", 6);
  memcpy(h.version, " ", 2);
  if (!numeric_owner) {
    const char *u = user_name(st->st_uid), *g = group_name(st->st_gid);
    if (u) snprintf(h.uname, sizeof h.uname, "%s", u);
    if (g) snprintf(h.gname, sizeof h.gname, "%s", g);
  }
  if (type == '3' || type == '4') {
    octal(h.devmajor, 8, DEV_MAJOR(st->st_rdev));
    octal(h.devminor, 8, DEV_MINOR(st->st_rdev));
  }
  checksum(&h);
  emit(&h, 512);
}

/* ---- listing ------------------------------------------------------------------- */

static int ugswidth = 18;

static void list_entry(FILE *f, const char *name, mode_t mode, char type, const char *uname, const char *gname,
                       unsigned uid, unsigned gid, unsigned long long size, time_t mtime, const char *link,
                       unsigned major, unsigned minor) {
  if (verbose < 2) { fprintf(f, "%s\n", name); return; }
  char modes[11];
  mode_string(mode, modes);
  switch (type) {
    case '1': modes[0] = 'h'; break;
    case '2': modes[0] = 'l'; break;
    case '3': modes[0] = 'c'; break;
    case '4': modes[0] = 'b'; break;
    case '5': modes[0] = 'd'; break;
    case '6': modes[0] = 'p'; break;
    default: modes[0] = '-';
  }
  char u[40], g[40], sz[48], ts[32];
  if (uname && *uname && !numeric_owner) snprintf(u, sizeof u, "%s", uname); else snprintf(u, sizeof u, "%u", uid);
  if (gname && *gname && !numeric_owner) snprintf(g, sizeof g, "%s", gname); else snprintf(g, sizeof g, "%u", gid);
  if (type == '3' || type == '4') snprintf(sz, sizeof sz, "%u,%u", major, minor);
  else snprintf(sz, sizeof sz, "%llu", size);
  struct tm tm;
  gmtime_r(&mtime, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%d %H:%M", &tm);
  int sizelen = (int)strlen(sz), pad = (int)(strlen(u) + 1 + strlen(g)) + sizelen;
  if (pad > ugswidth) ugswidth = pad;
  fprintf(f, "%s %s/%s %*s %-16s %s", modes, u, g, ugswidth - pad + sizelen, sz, ts, name);
  if (type == '2') fprintf(f, " -> %s", link);
  if (type == '1') fprintf(f, " link to %s", link);
  fputc('\n', f);
}

/* ---- create -------------------------------------------------------------------- */

struct link_seen { dev_t dev; ino_t ino; char *name; };
static struct link_seen *links;
static int nlinks, caplinks;
static struct stat archive_st;
static int archive_is_file;

static int excluded(const char *name) {
  const char *base = strrchr(name, '/');
  base = base && base[1] ? base + 1 : name;
  for (int i = 0; i < nexcludes; i++)
    if (fnmatch(excludes[i], name, 0) == 0 || fnmatch(excludes[i], base, 0) == 0) return 1;
  return 0;
}

static void add(const char *path, const char *name) {
  if (excluded(name)) return;
  struct stat st;
  if ((deref ? xstat(path, &st) : xlstat(path, &st)) != 0) {
    warn_err(errno, "%s: Cannot stat", path);
    status = 2;
    return;
  }
  if (archive_is_file && st.st_dev == archive_st.st_dev && st.st_ino == archive_st.st_ino) {
    warn_msg("%s: file is the archive; not dumped", path);
    return;
  }
  FILE *vf = out_fd == 1 ? stderr : stdout;
  char *member = S_ISDIR(st.st_mode) && name[strlen(name) - 1] != '/' ? xasprintf("%s/", name) : xstrdup(name);
  if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
    for (int i = 0; i < nlinks; i++) {
      if (links[i].dev == st.st_dev && links[i].ino == st.st_ino) {
        write_header(member, &st, '1', links[i].name, 0);
        if (verbose) list_entry(vf, member, st.st_mode, '1', user_name(st.st_uid), group_name(st.st_gid), st.st_uid, st.st_gid, 0, st.st_mtim.tv_sec, links[i].name, 0, 0);
        free(member);
        return;
      }
    }
    if (nlinks == caplinks) links = xrealloc(links, sizeof *links * (size_t)(caplinks = caplinks ? caplinks * 2 : 32));
    links[nlinks++] = (struct link_seen){st.st_dev, st.st_ino, xstrdup(member)};
  }
  char type = S_ISDIR(st.st_mode) ? '5' : S_ISLNK(st.st_mode) ? '2' : S_ISCHR(st.st_mode) ? '3' :
              S_ISBLK(st.st_mode) ? '4' : S_ISFIFO(st.st_mode) ? '6' : '0';
  if (S_ISSOCK(st.st_mode)) {
    warn_msg("%s: socket ignored", path);
    free(member);
    return;
  }
  char *link = type == '2' ? xreadlink(path) : NULL;
  if (type == '2' && !link) {
    warn_err(errno, "%s: Cannot readlink", path);
    status = 2;
    free(member);
    return;
  }
  unsigned long long size = type == '0' ? (unsigned long long)st.st_size : 0;
  int fd = -1;
  if (type == '0') {
    fd = open(path, O_RDONLY);
    if (fd < 0) {
      warn_err(errno, "%s: Cannot open", path);
      status = 2;
      free(member);
      return;
    }
  }
  write_header(member, &st, type, link, size);
  if (verbose) list_entry(vf, member, st.st_mode, type, user_name(st.st_uid), group_name(st.st_gid), st.st_uid, st.st_gid, size, st.st_mtim.tv_sec, link, DEV_MAJOR(st.st_rdev), DEV_MINOR(st.st_rdev));
  if (fd >= 0) {
    static uint8_t buf[65536];
    unsigned long long left = size;
    while (left) {
      size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
      ssize_t r = read(fd, buf, want);
      if (r <= 0) {
        /* The file shrank: pad with zeros so the archive stays well formed. */
        warn_msg("%s: File shrank by %llu bytes; padding with zeros", path, left);
        memset(buf, 0, sizeof buf);
        while (left) { size_t k = left < sizeof buf ? (size_t)left : sizeof buf; emit(buf, k); left -= k; }
        status = 1;
        break;
      }
      emit(buf, (size_t)r);
      left -= (unsigned long long)r;
    }
    close(fd);
    static const char zero[512];
    if (size % 512) emit(zero, 512 - size % 512);
  }
  free(link);
  if (type == '5') {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) {
      warn_err(errno, "%s: Cannot open", path);
      status = 2;
    } else {
      for (int i = 0; i < n; i++) {
        char *cp = path_join(path, names[i]), *cn = xasprintf("%s%s", member, names[i]);
        add(cp, cn);
        free(cp);
        free(cn);
      }
      free_names(names, n);
    }
  }
  free(member);
}

static int create(char **paths, int n, const char *dir) {
  if (n == 0) die_msg(2, "Cowardly refusing to create an empty archive\nTry 'tar --help' for more information.");
  if (strcmp(archive_name, "-")) {
    out_fd = open(archive_name, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out_fd < 0) die_err(2, errno, "%s: Cannot open", archive_name);
    archive_is_file = xstat(archive_name, &archive_st) == 0;
  } else out_fd = 1;
  if (dir && chdir(dir) != 0) die_err(2, errno, "%s: Cannot open", dir);
  int warned = 0;
  for (int i = 0; i < n; i++) {
    const char *name = paths[i];
    while (name[0] == '/' && name[1]) {
      if (!warned) { warn_msg("Removing leading `/' from member names"); warned = 1; }
      name++;
    }
    if (!strcmp(name, "/")) name = "./";
    add(paths[i], name);
  }
  static const char zero[1024];
  emit(zero, 1024);
  /* GNU pads to a whole record of 20 blocks. */
  static const char block[512];
  while (written % 10240) emit(block, 512);
  if (gz) {
    uint8_t *z;
    size_t zn;
    gzip_compress(mem, mem_n, &z, &zn);
    gz = 0;
    emit(z, zn);
  }
  if (out_fd != 1 && close(out_fd) != 0) die_err(2, errno, "%s: Cannot close", archive_name);
  return status;
}

/* ---- read ---------------------------------------------------------------------- */

static int in_fd = -1;
static uint8_t *in_mem;       /* served before in_fd: a peeked prefix, or a whole gunzipped archive */
static size_t in_n, in_pos;

static size_t read_fd(uint8_t *buf, size_t n) {
  size_t got = 0;
  while (got < n && in_fd >= 0) {
    ssize_t r = read(in_fd, buf + got, n - got);
    if (r < 0) { if (errno == EINTR) continue; die_err(2, errno, "%s: Read error", archive_name); }
    if (r == 0) break;
    got += (size_t)r;
  }
  return got;
}

/* One 512-byte block: 1 when read, 0 at a clean end, -1 on a short block. */
static int read_block(void *buf) {
  size_t got = 0;
  if (in_pos < in_n) {
    got = in_n - in_pos < 512 ? in_n - in_pos : 512;
    memcpy(buf, in_mem + in_pos, got);
    in_pos += got;
  }
  if (got < 512) got += read_fd((uint8_t *)buf + got, 512 - got);
  return got == 512 ? 1 : got ? -1 : 0;
}

static void open_input_archive(void) {
  in_fd = 0;
  if (strcmp(archive_name, "-")) {
    in_fd = open(archive_name, O_RDONLY);
    if (in_fd < 0) die_err(2, errno, "%s: Cannot open", archive_name);
  }
  size_t cap = 65536;
  uint8_t *raw = xmalloc(cap);
  size_t n = read_fd(raw, 512);
  /* gzip's magic: compressed archives are read without -z too. */
  if (gz || (n >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)) {
    for (;;) {
      if (n == cap) raw = xrealloc(raw, cap *= 2);
      size_t k = read_fd(raw + n, cap - n);
      if (!k) break;
      n += k;
    }
    const char *err;
    if (gzip_decompress(raw, n, &in_mem, &in_n, &err) != 0) {
      fprintf(stderr, "gzip: %s: %s\n", archive_name, err);
      die_msg(2, "Child returned status 1\ntar: Error is not recoverable: exiting now");
    }
    free(raw);
    in_fd = -1;
  } else {
    in_mem = raw;
    in_n = n;
  }
  in_pos = 0;
}

static unsigned long long parse_num(const char *p, size_t n) {
  if ((unsigned char)p[0] & 0x80) {
    /* GNU base-256 */
    unsigned long long v = (unsigned char)p[0] & 0x7f;
    for (size_t i = 1; i < n; i++) v = v << 8 | (unsigned char)p[i];
    return v;
  }
  unsigned long long v = 0;
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == 0)) { if (!p[i] && v) break; i++; if (i == n) return 0; }
  for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) v = v * 8 + (unsigned)(p[i] - '0');
  return v;
}

static int header_ok(const struct header *h) {
  unsigned sum = 0;
  const unsigned char *b = (const unsigned char *)h;
  for (size_t i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? ' ' : b[i];
  return sum == parse_num(h->chksum, 8);
}

static char *field(const char *p, size_t n) {
  size_t l = strnlen(p, n);
  char *s = xmalloc(l + 1);
  memcpy(s, p, l);
  s[l] = 0;
  return s;
}

/* Skips (or reads into out) `size` bytes of member data plus padding. */
static int data(unsigned long long size, int out) {
  uint8_t buf[512];
  unsigned long long left = size;
  while (left) {
    if (read_block(buf) <= 0) return -1;
    size_t k = left < 512 ? (size_t)left : 512;
    if (out >= 0 && write_all(out, buf, k) != 0) { warn_err(errno, "write error"); status = 2; out = -1; }
    left -= k;
  }
  return 0;
}

static int selected_member(const char *name, char **ops, int nops, int *found) {
  if (!nops) return 1;
  for (int i = 0; i < nops; i++) {
    size_t l = strlen(ops[i]);
    while (l > 1 && ops[i][l - 1] == '/') l--;
    if (!strncmp(name, ops[i], l) && (name[l] == 0 || name[l] == '/')) { found[i] = 1; return 1; }
    if (fnmatch(ops[i], name, 0) == 0) { found[i] = 1; return 1; }
  }
  return 0;
}

/* Creates the missing parents of `path`. */
static void make_parents(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    struct stat st;
    if (xlstat(p, &st) != 0) mkdir(p, 0777);
    *s = '/';
  }
  free(p);
}

struct delayed { char *name; mode_t mode; time_t mtime; unsigned uid, gid; int own; };
static struct delayed *dirs;
static int ndirs, capdirs;

static void apply_attrs(const char *name, mode_t mode, time_t mtime, unsigned uid, unsigned gid, int own, int is_link) {
  if (own && xchown(name, (int)uid, (int)gid, !is_link) != 0 && errno != EPERM) {
    warn_err(errno, "%s: Cannot change ownership to uid %u, gid %u", name, uid, gid);
    status = 2;
  }
  if (!is_link) {
    mode_t m = preserve ? mode & 07777 : mode & 0777 & ~get_umask();
    if (xchmod(name, m, 1) != 0) { warn_err(errno, "%s: Cannot change mode to %04o", name, (unsigned)m); status = 2; }
  }
  struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  if (__wasilibc_utimens(name, ts, is_link ? AT_SYMLINK_NOFOLLOW : 0) != 0 && !is_link) {
    warn_err(errno, "%s: Cannot utime", name);
    status = 2;
  }
}

static int extract_or_list(int extract, char **ops, int nops, const char *dir) {
  open_input_archive();
  if (extract && dir && chdir(dir) != 0) die_err(2, errno, "%s: Cannot open", dir);
  int *found = xmalloc(sizeof(int) * (size_t)(nops ? nops : 1));
  memset(found, 0, sizeof(int) * (size_t)(nops ? nops : 1));
  char *long_name = NULL, *long_link = NULL;
  char *pax_path = NULL, *pax_link = NULL;
  long long pax_size = -1, pax_mtime = -1, pax_uid = -1, pax_gid = -1;
  char *pax_uname = NULL, *pax_gname = NULL;
  int blocks = 0, zeros = 0, warned_slash = 0;
  FILE *vf = to_stdout ? stderr : stdout;
  for (;;) {
    struct header h;
    int r = read_block(&h);
    if (r == 0) break;
    if (r < 0) { warn_msg("Unexpected EOF in archive"); status = 2; break; }
    static const char zero[512];
    if (!memcmp(&h, zero, 512)) {
      if (++zeros == 2) break;
      continue;
    }
    zeros = 0;
    if (!header_ok(&h)) {
      if (!blocks) die_msg(2, "This does not look like a tar archive\ntar: Exiting with failure status due to previous errors");
      warn_msg("Skipping to next header");
      status = 2;
      continue;
    }
    blocks++;
    unsigned long long size = parse_num(h.size, 12);
    char type = h.typeflag ? h.typeflag : '0';
    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      char *text = xmalloc((size_t)size + 1);
      unsigned long long got = 0;
      uint8_t buf[512];
      while (got < size) {
        if (read_block(buf) <= 0) die_msg(2, "Unexpected EOF in archive");
        size_t k = size - got < 512 ? (size_t)(size - got) : 512;
        memcpy(text + got, buf, k);
        got += k;
      }
      text[size] = 0;
      if (type == 'L') { free(long_name); long_name = text; }
      else if (type == 'K') { free(long_link); long_link = text; }
      else if (type == 'x') {
        /* "LEN key=value\n" records */
        for (char *p = text; p < text + size;) {
          char *end;
          long len = strtol(p, &end, 10);
          if (len <= 0 || *end != ' ' || p + len > text + size) break;
          char *kv = end + 1, *eq = memchr(kv, '=', (size_t)(p + len - kv));
          if (eq) {
            *eq = 0;
            p[len - 1] = 0;
            char *v = eq + 1;
            if (!strcmp(kv, "path")) { free(pax_path); pax_path = xstrdup(v); }
            else if (!strcmp(kv, "linkpath")) { free(pax_link); pax_link = xstrdup(v); }
            else if (!strcmp(kv, "size")) pax_size = strtoll(v, NULL, 10);
            else if (!strcmp(kv, "mtime")) pax_mtime = strtoll(v, NULL, 10);
            else if (!strcmp(kv, "uid")) pax_uid = strtoll(v, NULL, 10);
            else if (!strcmp(kv, "gid")) pax_gid = strtoll(v, NULL, 10);
            else if (!strcmp(kv, "uname")) { free(pax_uname); pax_uname = xstrdup(v); }
            else if (!strcmp(kv, "gname")) { free(pax_gname); pax_gname = xstrdup(v); }
          }
          p += len;
        }
        free(text);
      } else free(text);
      continue;
    }
    char *name;
    if (pax_path) name = pax_path, pax_path = NULL;
    else if (long_name) name = long_name, long_name = NULL;
    else {
      int ustar = !memcmp(h.magic, "ustar\0", 6) && h.prefix[0];
      char *base = field(h.name, 100);
      if (ustar) {
        char *prefix = field(h.prefix, 155);
        name = xasprintf("%s/%s", prefix, base);
        free(prefix);
        free(base);
      } else name = base;
    }
    char *linkname;
    if (pax_link) linkname = pax_link, pax_link = NULL;
    else if (long_link) linkname = long_link, long_link = NULL;
    else linkname = field(h.linkname, 100);
    if (pax_size >= 0) size = (unsigned long long)pax_size;
    mode_t mode = (mode_t)parse_num(h.mode, 8) & 07777;
    time_t mtime = pax_mtime >= 0 ? (time_t)pax_mtime : (time_t)parse_num(h.mtime, 12);
    unsigned uid = pax_uid >= 0 ? (unsigned)pax_uid : (unsigned)parse_num(h.uid, 8);
    unsigned gid = pax_gid >= 0 ? (unsigned)pax_gid : (unsigned)parse_num(h.gid, 8);
    char *uname = pax_uname ? pax_uname : field(h.uname, 32);
    char *gname = pax_gname ? pax_gname : field(h.gname, 32);
    pax_uname = pax_gname = NULL;
    pax_size = pax_mtime = pax_uid = pax_gid = -1;
    unsigned major = (unsigned)parse_num(h.devmajor, 8), minor = (unsigned)parse_num(h.devminor, 8);
    if (type != '0' && type != '7' && type != '1' && type != '2' && type != '3' && type != '4' && type != '5' && type != '6') {
      warn_msg("%s: Unknown file type '%c', extracted as normal file", name, type);
      type = '0';
      status = 2;
    }
    unsigned long long data_size = type == '0' || type == '7' ? size : (type == '5' || type == '2' || type == '1' ? 0 : size);

    int want = selected_member(name, ops, nops, found);
    /* Name rewriting for extraction: strip leading "/" and --strip-components. */
    char *target = name;
    while (*target == '/') {
      if (!warned_slash && extract) { warn_msg("Removing leading `/' from member names"); warned_slash = 1; }
      target++;
    }
    for (int k = 0; k < strip && *target; k++) {
      char *slash = strchr(target, '/');
      target = slash ? slash + 1 : target + strlen(target);
    }
    int unsafe = 0;
    for (const char *p = target; *p;) {
      const char *e = strchr(p, '/');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      if (l == 2 && p[0] == '.' && p[1] == '.') unsafe = 1;
      p += l + (e ? 1 : 0);
    }
    if (!want || !*target) { data(data_size, -1); goto next; }
    if (!extract) {
      list_entry(stdout, name, mode, type, uname, gname, uid, gid, size, mtime, linkname, major, minor);
      data(data_size, -1);
      goto next;
    }
    if (unsafe) {
      warn_msg("%s: Member name contains '..'", name);
      status = 2;
      data(data_size, -1);
      goto next;
    }
    if (verbose) list_entry(vf, name, mode, type, uname, gname, uid, gid, size, mtime, linkname, major, minor);
    if (to_stdout) {
      data(type == '0' || type == '7' ? data_size : 0, type == '0' || type == '7' ? 1 : -1);
      goto next;
    }
    {
      size_t tl = strlen(target);
      while (tl > 1 && target[tl - 1] == '/') target[--tl] = 0;
      make_parents(target);
      /* Owners: names win over numbers when they exist here (GNU). */
      long ou = !numeric_owner && *uname ? user_id(uname) : -1, og = !numeric_owner && *gname ? group_id(gname) : -1;
      unsigned fuid = ou >= 0 ? (unsigned)ou : uid, fgid = og >= 0 ? (unsigned)og : gid;
      int own = same_owner;
      struct stat old;
      int exists = xlstat(target, &old) == 0;
      if (type == '5') {
        if (exists && !S_ISDIR(old.st_mode)) { unlink(target); exists = 0; }
        if (!exists && mkdir(target, 0700) != 0) {
          warn_err(errno, "%s: Cannot mkdir", target);
          status = 2;
          goto next;
        }
        if (ndirs == capdirs) dirs = xrealloc(dirs, sizeof *dirs * (size_t)(capdirs = capdirs ? capdirs * 2 : 32));
        dirs[ndirs++] = (struct delayed){xstrdup(target), mode, mtime, fuid, fgid, own};
        goto next;
      }
      if (exists && S_ISDIR(old.st_mode)) {
        if (rmdir(target) != 0) {
          warn_err(errno, "%s: Cannot open", target);
          status = 2;
          data(data_size, -1);
          goto next;
        }
      } else if (exists) unlink(target);
      if (type == '2') {
        if (symlink(linkname, target) != 0) { warn_err(errno, "%s: Cannot create symlink to %s", target, q(linkname)); status = 2; }
        else apply_attrs(target, mode, mtime, fuid, fgid, own, 1);
        goto next;
      }
      if (type == '1') {
        char *lt = linkname;
        while (*lt == '/') lt++;
        for (int k = 0; k < strip && *lt; k++) { char *s = strchr(lt, '/'); lt = s ? s + 1 : lt + strlen(lt); }
        if (link(lt, target) != 0) { warn_err(errno, "%s: Cannot hard link to %s", target, q(lt)); status = 2; }
        goto next;
      }
      if (type == '3' || type == '4' || type == '6') {
        warn_err(ENOTSUP, "%s: Cannot mknod", target);
        status = 2;
        goto next;
      }
      int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0) {
        warn_err(errno, "%s: Cannot open", target);
        status = 2;
        data(data_size, -1);
        goto next;
      }
      if (data(data_size, fd) != 0) { close(fd); warn_msg("Unexpected EOF in archive"); status = 2; break; }
      close(fd);
      apply_attrs(target, mode, mtime, fuid, fgid, own, 0);
    }
  next:
    free(name);
    free(linkname);
    free(uname);
    free(gname);
  }
  /* Directory modes and times last: extracting into them changed both. */
  for (int i = ndirs - 1; i >= 0; i--) apply_attrs(dirs[i].name, dirs[i].mode, dirs[i].mtime, dirs[i].uid, dirs[i].gid, dirs[i].own, 0);
  for (int i = 0; i < nops; i++) {
    if (!found[i]) {
      warn_msg("%s: Not found in archive", ops[i]);
      status = 2;
    }
  }
  if (status == 2) warn_msg("Exiting with failure status due to previous errors");
  return status;
}

/* Old-style "tar cvf x.tar dir": the first word is a cluster of option letters whose
 * arguments follow in order. */
static char **old_style(int *argc, char **argv) {
  if (*argc < 2 || argv[1][0] == '-') return argv;
  const char *letters = argv[1];
  char **v = xmalloc(sizeof *v * (size_t)(*argc + (int)strlen(letters) + 1));
  int n = 0, next = 2;
  v[n++] = argv[0];
  for (const char *p = letters; *p; p++) {
    v[n++] = xasprintf("-%c", *p);
    if (strchr("fCTX", *p) && next < *argc) v[n++] = argv[next++];
  }
  while (next < *argc) v[n++] = argv[next++];
  v[n] = NULL;
  *argc = n;
  return v;
}

APPLET(tar) {
  usage_status = 2;
  enum { NUMERIC = 256, NO_SAME_OWNER, SAME_OWNER, STRIP, EXCLUDE, NO_SAME_PERMS };
  static const struct option longs[] = {
    {"create", 0, 0, 'c'}, {"list", 0, 0, 't'}, {"extract", 0, 0, 'x'}, {"get", 0, 0, 'x'},
    {"file", 1, 0, 'f'}, {"directory", 1, 0, 'C'}, {"verbose", 0, 0, 'v'}, {"gzip", 0, 0, 'z'},
    {"gunzip", 0, 0, 'z'}, {"to-stdout", 0, 0, 'O'}, {"preserve-permissions", 0, 0, 'p'},
    {"same-permissions", 0, 0, 'p'}, {"dereference", 0, 0, 'h'}, {"numeric-owner", 0, 0, NUMERIC},
    {"no-same-owner", 0, 0, NO_SAME_OWNER}, {"same-owner", 0, 0, SAME_OWNER},
    {"no-same-permissions", 0, 0, NO_SAME_PERMS}, {"strip-components", 1, 0, STRIP},
    {"exclude", 1, 0, EXCLUDE}, {0, 0, 0, 0}};
  argv = old_style(&argc, argv);
  is_root = lb_getuid() == 0;
  preserve = is_root;
  int c, mode = 0;
  const char *dir = NULL;
  while ((c = opt_next(argc, argv, "ctxf:C:vzOphkmo", longs, 1)) != -1) {
    switch (c) {
      case 'c': case 't': case 'x':
        if (mode && mode != c) usage_fail("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option");
        mode = c;
        break;
      case 'f': archive_name = optarg; break;
      case 'C': dir = optarg; break;
      case 'v': verbose++; break;
      case 'z': gz = 1; break;
      case 'O': to_stdout = 1; break;
      case 'p': preserve = 1; break;
      case NO_SAME_PERMS: preserve = 0; break;
      case 'h': deref = 1; break;
      case NUMERIC: numeric_owner = 1; break;
      case 'o': case NO_SAME_OWNER: same_owner = 0; break;
      case SAME_OWNER: same_owner = 1; break;
      case STRIP: strip = (int)parse_count(optarg, 0); if (strip < 0) die_msg(2, "invalid number of elements"); break;
      case EXCLUDE:
        excludes = xrealloc(excludes, sizeof *excludes * (size_t)(nexcludes + 1));
        excludes[nexcludes++] = optarg;
        break;
    }
  }
  if (same_owner < 0) same_owner = is_root;
  if (!mode) usage_fail("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options");
  if (mode == 'c') return create(argv + optind, argc - optind, dir);
  if (mode == 't') verbose = verbose ? 2 : 0;
  else if (verbose > 1) verbose = 2;
  if (mode == 't' && !verbose) verbose = 0;
  return extract_or_list(mode == 'x', argv + optind, argc - optind, dir);
}
