/* du and df. Block counts are the ones xstat estimates (WASI reports no blocks). */
#include "box.h"
#include "layerbox.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_du[] =
  "Usage: du [OPTION]... [FILE]...\n"
  "Summarize device usage of the set of FILEs, recursively for directories.\n\n"
  "  -a, --all             write counts for all files, not just directories\n"
  "      --apparent-size   print apparent sizes rather than device usage\n"
  "  -b, --bytes           equivalent to '--apparent-size --block-size=1'\n"
  "  -c, --total           produce a grand total\n"
  "  -d, --max-depth=N     print the total for a directory only if it is N or fewer levels below\n"
  "  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)\n"
  "  -k                    like --block-size=1K\n"
  "  -m                    like --block-size=1M\n"
  "  -s, --summarize       display only a total for each argument\n";

const char help_df[] =
  "Usage: df [OPTION]... [FILE]...\n"
  "Show information about the file system on which each FILE resides, or all file systems by default.\n\n"
  "  -h, --human-readable  print sizes in powers of 1024 (e.g., 1023M)\n"
  "  -k                    like --block-size=1K\n"
  "  -T, --print-type      print file system type\n";

static int all, summarize, human, apparent, bytes, megs;
static long long max_depth = -1;
static struct { dev_t dev; ino_t ino; } *seen;
static int nseen, capseen, status;

static void print_size(unsigned long long b, const char *path) {
  /* b is in bytes for --apparent-size/-b, else in 512-byte blocks */
  char buf[32];
  unsigned long long size_bytes = apparent || bytes ? b : b * 512;
  if (human) human_size(size_bytes, buf);
  else if (bytes) snprintf(buf, sizeof buf, "%llu", size_bytes);
  else if (megs) snprintf(buf, sizeof buf, "%llu", (size_bytes + 1048575) / 1048576);
  else snprintf(buf, sizeof buf, "%llu", (size_bytes + 1023) / 1024);
  printf("%s\t%s\n", buf, path);
}

static unsigned long long walk(const char *path, int depth, int top) {
  struct stat st;
  if ((top ? xstat(path, &st) : xlstat(path, &st)) != 0) {
    warn_err(errno, "cannot access %s", q(path));
    status = 1;
    return 0;
  }
  if (st.st_nlink > 1 && !S_ISDIR(st.st_mode)) {
    for (int i = 0; i < nseen; i++) if (seen[i].dev == st.st_dev && seen[i].ino == st.st_ino) return 0;
    if (nseen == capseen) seen = xrealloc(seen, sizeof *seen * (size_t)(capseen = capseen ? capseen * 2 : 64));
    seen[nseen].dev = st.st_dev;
    seen[nseen++].ino = st.st_ino;
  }
  unsigned long long total = apparent || bytes ? (unsigned long long)st.st_size : (unsigned long long)st.st_blocks;
  if (S_ISDIR(st.st_mode)) {
    char **names;
    int n = list_dir(path, &names);
    if (n < 0) {
      warn_err(errno, "cannot read directory %s", q(path));
      status = 1;
    } else {
      for (int i = 0; i < n; i++) {
        char *child = path_join(path, names[i]);
        total += walk(child, depth + 1, 0);
        free(child);
      }
      free_names(names, n);
    }
  }
  int shown = summarize ? top : (max_depth < 0 || depth <= max_depth) && (S_ISDIR(st.st_mode) || all || top);
  if (shown) print_size(total, path);
  return total;
}

APPLET(du) {
  enum { APPARENT = 256 };
  static const struct option longs[] = {
    {"all", 0, 0, 'a'}, {"apparent-size", 0, 0, APPARENT}, {"bytes", 0, 0, 'b'}, {"total", 0, 0, 'c'},
    {"max-depth", 1, 0, 'd'}, {"human-readable", 0, 0, 'h'}, {"summarize", 0, 0, 's'}, {0, 0, 0, 0}};
  int c, total_wanted = 0;
  while ((c = opt_next(argc, argv, "abcd:hkmsxLP", longs, 1)) != -1) {
    switch (c) {
      case 'a': all = 1; break;
      case APPARENT: apparent = 1; break;
      case 'b': bytes = 1; break;
      case 'c': total_wanted = 1; break;
      case 'd':
        max_depth = parse_count(optarg, 0);
        if (max_depth < 0) die_msg(1, "invalid maximum depth %s", q(optarg));
        break;
      case 'h': human = 1; break;
      case 'k': human = megs = 0; break;
      case 'm': megs = 1; break;
      case 's': summarize = 1; break;
    }
  }
  if (summarize && all) usage_fail("cannot both summarize and show all entries");
  static char *dot[] = {"."};
  char **paths = optind < argc ? argv + optind : dot;
  int n = optind < argc ? argc - optind : 1;
  unsigned long long grand = 0;
  for (int i = 0; i < n; i++) grand += walk(paths[i], 0, 1);
  if (total_wanted) print_size(grand, "total");
  return status;
}

/* The mount holding `path`, from /proc/mounts (longest matching mount point). */
static void mount_of(const char *path, char *source, size_t ns, char *target, size_t nt, char *type, size_t ny) {
  snprintf(source, ns, "rootfs");
  snprintf(target, nt, "/");
  snprintf(type, ny, "rootfs");
  char *text = read_file("/proc/mounts", NULL);
  if (!text) return;
  char cwd[4096] = "/";
  char abs[4096];
  if (path[0] == '/') snprintf(abs, sizeof abs, "%s", path);
  else {
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    snprintf(abs, sizeof abs, "%s/%s", cwd, path);
  }
  size_t best = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char src[256], mnt[1024], fstype[64];
    if (sscanf(line, "%255s %1023s %63s", src, mnt, fstype) != 3) continue;
    size_t l = strlen(mnt);
    int inside = !strcmp(mnt, "/") || (!strncmp(abs, mnt, l) && (abs[l] == '/' || !abs[l]));
    if (inside && l >= best) {
      best = l;
      snprintf(source, ns, "%s", src);
      snprintf(target, nt, "%s", mnt);
      snprintf(type, ny, "%s", fstype);
    }
  }
  free(text);
}

APPLET(df) {
  static const struct option longs[] = {{"human-readable", 0, 0, 'h'}, {"print-type", 0, 0, 'T'}, {0, 0, 0, 0}};
  int c, show_type = 0, show_all = 0;
  while ((c = opt_next(argc, argv, "hkTPa", longs, 1)) != -1) {
    if (c == 'h') human = 1;
    else if (c == 'k') human = 0;
    else if (c == 'T') show_type = 1;
    else if (c == 'a') show_all = 1;
  }
  /* Without operands: every mount in /proc/mounts (only "/" when there is none). */
  static char *root[] = {"/"};
  char **paths = argv + optind;
  int n = argc - optind, listing_mounts = n == 0;
  if (listing_mounts) {
    paths = root;
    n = 1;
    char *text = read_file("/proc/mounts", NULL);
    if (text) {
      int cap = 8, k = 0;
      char **v = xmalloc(sizeof *v * (size_t)cap);
      for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char src[256], mnt[1024];
        if (sscanf(line, "%255s %1023s", src, mnt) != 2) continue;
        if (k == cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
        v[k++] = xstrdup(mnt);
      }
      if (k) { paths = v; n = k; }
    }
  }
  struct row { char src[256], mnt[1024], type[64], size[32], used[32], avail[32], pct[8]; } *rows = xmalloc(sizeof *rows * (size_t)n);
  int nrows = 0;
  for (int i = 0; i < n; i++) {
    const char *rel;
    struct lb_statfs fs;
    int fd = path_at(paths[i], &rel);
    int e = fd < 0 ? errno : lb_statfs(fd, rel, (uint32_t)strlen(rel), &fs);
    if (e && listing_mounts) continue;
    if (e) { warn_err(e, "%s", paths[i]); status = 1; continue; }
    /* Pseudo filesystems (proc, sysfs) have no blocks: GNU shows them only with -a. */
    if (listing_mounts && fs.blocks == 0 && !show_all) continue;
    struct row *r = &rows[nrows++];
    mount_of(paths[i], r->src, sizeof r->src, r->mnt, sizeof r->mnt, r->type, sizeof r->type);
    unsigned long long bs = fs.block_size ? fs.block_size : 1024;
    unsigned long long total = fs.blocks * bs, avail = fs.blocks_free * bs, used = total - avail;
    if (human) {
      human_size(total, r->size);
      human_size(used, r->used);
      human_size(avail, r->avail);
    } else {
      snprintf(r->size, sizeof r->size, "%llu", total / 1024);
      snprintf(r->used, sizeof r->used, "%llu", used / 1024);
      snprintf(r->avail, sizeof r->avail, "%llu", avail / 1024);
    }
    /* GNU rounds the percentage up. */
    if (used + avail) snprintf(r->pct, sizeof r->pct, "%llu%%", (used * 100 + used + avail - 1) / (used + avail));
    else strcpy(r->pct, "-");
  }
  const char *hsize = human ? "Size" : "1K-blocks";
  int w[6] = {(int)strlen("Filesystem"), (int)strlen("Type"), (int)strlen(hsize), 4, 9, 4};
  if (human) w[4] = 5;
  for (int i = 0; i < nrows; i++) {
    int l;
    if ((l = (int)strlen(rows[i].src)) > w[0]) w[0] = l;
    if ((l = (int)strlen(rows[i].type)) > w[1]) w[1] = l;
    if ((l = (int)strlen(rows[i].size)) > w[2]) w[2] = l;
    if ((l = (int)strlen(rows[i].used)) > w[3]) w[3] = l;
    if ((l = (int)strlen(rows[i].avail)) > w[4]) w[4] = l;
    if ((l = (int)strlen(rows[i].pct)) > w[5]) w[5] = l;
  }
  printf("%-*s ", w[0], "Filesystem");
  if (show_type) printf("%-*s ", w[1], "Type");
  printf("%*s %*s %*s %*s Mounted on\n", w[2], hsize, w[3], "Used", w[4], human ? "Avail" : "Available", w[5], "Use%");
  for (int i = 0; i < nrows; i++) {
    struct row *r = &rows[i];
    printf("%-*s ", w[0], r->src);
    if (show_type) printf("%-*s ", w[1], r->type);
    printf("%*s %*s %*s %*s %s\n", w[2], r->size, w[3], r->used, w[4], r->avail, w[5], r->pct, r->mnt);
  }
  return status;
}
