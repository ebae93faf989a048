/* Users and groups from the container's /etc/passwd and /etc/group (wasi-libc has no
 * <pwd.h>). Each file is read once and kept as parsed records. */
#include "box.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct entry { char *name; unsigned id; unsigned gid; char *members; };
struct table { int loaded, n; struct entry *v; };

static struct table passwd, group;

static void load(struct table *t, const char *path, int is_group) {
  if (t->loaded) return;
  t->loaded = 1;
  char *text = read_file(path, NULL);
  if (!text) return;
  int cap = 0;
  for (char *line = text; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = 0;
    /* name:pw:id:gid-or-members:... */
    char *f[7] = {0};
    int nf = 0;
    for (char *p = line; nf < 7; ) {
      f[nf++] = p;
      p = strchr(p, ':');
      if (!p) break;
      *p++ = 0;
    }
    if (nf >= 3 && *f[0] && isdigit((unsigned char)*f[2])) {
      if (t->n == cap) t->v = xrealloc(t->v, sizeof *t->v * (size_t)(cap = cap ? cap * 2 : 32));
      struct entry *e = &t->v[t->n++];
      e->name = f[0];
      e->id = (unsigned)strtoul(f[2], NULL, 10);
      e->gid = !is_group && nf >= 4 ? (unsigned)strtoul(f[3], NULL, 10) : 0;
      e->members = is_group && nf >= 4 ? f[3] : "";
    }
    line = next;
  }
}

static struct entry *by_id(struct table *t, unsigned id) {
  for (int i = 0; i < t->n; i++) if (t->v[i].id == id) return &t->v[i];
  return NULL;
}

static struct entry *by_name(struct table *t, const char *name) {
  for (int i = 0; i < t->n; i++) if (!strcmp(t->v[i].name, name)) return &t->v[i];
  return NULL;
}

const char *user_name(unsigned uid) {
  load(&passwd, "/etc/passwd", 0);
  struct entry *e = by_id(&passwd, uid);
  return e ? e->name : NULL;
}

const char *group_name(unsigned gid) {
  load(&group, "/etc/group", 1);
  struct entry *e = by_id(&group, gid);
  return e ? e->name : NULL;
}

static long numeric(const char *s) {
  if (!*s) return -1;
  for (const char *p = s; *p; p++) if (!isdigit((unsigned char)*p)) return -1;
  return strtol(s, NULL, 10);
}

long user_id(const char *name) {
  load(&passwd, "/etc/passwd", 0);
  struct entry *e = by_name(&passwd, name);
  return e ? (long)e->id : numeric(name);
}

long group_id(const char *name) {
  load(&group, "/etc/group", 1);
  struct entry *e = by_name(&group, name);
  return e ? (long)e->id : numeric(name);
}

long user_gid(unsigned uid) {
  load(&passwd, "/etc/passwd", 0);
  struct entry *e = by_id(&passwd, uid);
  return e ? (long)e->gid : -1;
}

int user_groups(const char *name, unsigned primary, unsigned *out, int max) {
  load(&group, "/etc/group", 1);
  int n = 0;
  out[n++] = primary;
  if (!name) return n;
  size_t len = strlen(name);
  for (int i = 0; i < group.n && n < max; i++) {
    const char *m = group.v[i].members;
    while (*m) {
      const char *end = strchr(m, ',');
      size_t l = end ? (size_t)(end - m) : strlen(m);
      if (l == len && !strncmp(m, name, len)) {
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= out[j] == group.v[i].id;
        if (!dup) out[n++] = group.v[i].id;
        break;
      }
      if (!end) break;
      m = end + 1;
    }
  }
  return n;
}
