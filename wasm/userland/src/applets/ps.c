/* ps (busybox's default columns: PID USER TIME COMMAND) and kill, over the host's
 * /proc and its `kill` import. */
#include "box.h"
#include "layerbox.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char help_ps[] =
  "Usage: ps [-o COL1,COL2=HEADER] [-T]\n"
  "Show list of processes.\n\n"
  "  -o COL1,COL2=HEADER   select columns for display (pid ppid user group comm args time stat rss vsz)\n";

const char help_kill[] =
  "Usage: kill [-s SIGNAL | -SIGNAL] PID...\n"
  "  or:  kill -l [SIGNAL]...\n"
  "Send signals to processes, or list signals.\n\n"
  "  -s, --signal=SIGNAL, -SIGNAL  specify the name or number of the signal to be sent\n"
  "  -l, --list                    list signal names, or convert signal names to/from numbers\n";

struct proc {
  int pid, ppid;
  unsigned uid, gid;
  char name[64], state;
  char *args;
  unsigned long long ticks, rss_kb, vsz_kb;
};

static int cmp_proc(const void *a, const void *b) {
  return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

static int read_proc(int pid, struct proc *p) {
  memset(p, 0, sizeof *p);
  p->pid = pid;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  char *status = read_file(path, NULL);
  if (!status) return -1;
  for (char *line = strtok(status, "\n"); line; line = strtok(NULL, "\n")) {
    if (!strncmp(line, "Name:", 5)) { char *v = line + 5; while (isspace((unsigned char)*v)) v++; snprintf(p->name, sizeof p->name, "%s", v); }
    else if (!strncmp(line, "State:", 6)) { char *v = line + 6; while (isspace((unsigned char)*v)) v++; p->state = *v; }
    else if (!strncmp(line, "PPid:", 5)) p->ppid = atoi(line + 5);
    else if (!strncmp(line, "Uid:", 4)) p->uid = (unsigned)strtoul(line + 4, NULL, 10);
    else if (!strncmp(line, "Gid:", 4)) p->gid = (unsigned)strtoul(line + 4, NULL, 10);
    else if (!strncmp(line, "VmRSS:", 6)) p->rss_kb = strtoull(line + 6, NULL, 10);
    else if (!strncmp(line, "VmSize:", 7)) p->vsz_kb = strtoull(line + 7, NULL, 10);
  }
  free(status);
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  char *stat = read_file(path, NULL);
  if (stat) {
    /* Fields after the ")" of comm: state ppid ... utime(14) stime(15). */
    char *close = strrchr(stat, ')');
    if (close) {
      char *f[16];
      int n = 0;
      for (char *t = strtok(close + 1, " "); t && n < 16; t = strtok(NULL, " ")) f[n++] = t;
      if (n >= 13) p->ticks = strtoull(f[11], NULL, 10) + strtoull(f[12], NULL, 10);
    }
    free(stat);
  }
  snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  size_t len = 0;
  char *cmd = read_file(path, &len);
  if (cmd && len) {
    while (len && !cmd[len - 1]) len--;
    for (size_t i = 0; i < len; i++) if (!cmd[i]) cmd[i] = ' ';
    cmd[len] = 0;
    p->args = cmd;
  } else {
    free(cmd);
    p->args = xasprintf("[%s]", p->name);
  }
  return 0;
}

struct column { const char *key, *header; int width, right; };

static const struct column known[] = {
  {"pid", "PID", 5, 1}, {"ppid", "PPID", 5, 1}, {"user", "USER", 8, 0}, {"group", "GROUP", 8, 0},
  {"comm", "COMMAND", 16, 0}, {"args", "COMMAND", 0, 0}, {"time", "TIME", 5, 1}, {"stat", "STAT", 4, 0},
  {"rss", "RSS", 5, 1}, {"vsz", "VSZ", 5, 1}, {"uid", "UID", 5, 1}, {"gid", "GID", 5, 1},
};

static void cell(const struct column *c, const struct proc *p, int last) {
  char buf[64];
  const char *s = buf;
  switch (c->key[0] == 'p' && c->key[1] == 'p' ? 'P' : c->key[0] == 'g' && c->key[1] == 'i' ? 'I' :
          c->key[0] == 'u' && c->key[1] == 'i' ? 'i' : c->key[0] == 'r' ? 'r' : c->key[0]) {
    case 'p': snprintf(buf, sizeof buf, "%d", p->pid); break;
    case 'P': snprintf(buf, sizeof buf, "%d", p->ppid); break;
    case 'u': s = user_name(p->uid); if (!s) { snprintf(buf, sizeof buf, "%u", p->uid); s = buf; } break;
    case 'g': s = group_name(p->gid); if (!s) { snprintf(buf, sizeof buf, "%u", p->gid); s = buf; } break;
    case 'c': s = p->name; break;
    case 'a': s = p->args; break;
    case 't': {
      unsigned long long secs = p->ticks / 100;
      snprintf(buf, sizeof buf, "%*llu:%02llu", c->width - 3, secs / 60, secs % 60);
      break;
    }
    case 's': snprintf(buf, sizeof buf, "%c", p->state ? p->state : 'R'); break;
    case 'r': snprintf(buf, sizeof buf, "%llu", p->rss_kb); break;
    case 'v': snprintf(buf, sizeof buf, "%llu", p->vsz_kb); break;
    case 'i': snprintf(buf, sizeof buf, "%u", p->uid); break;
    case 'I': snprintf(buf, sizeof buf, "%u", p->gid); break;
  }
  if (last) fputs(s, stdout);
  else if (c->right) printf("%*s ", c->width, s);
  else printf("%-*.*s ", c->width, c->width, s);
}

APPLET(ps) {
  struct column cols[16];
  int ncols = 0, c;
  char *spec = NULL;
  /* busybox ps ignores BSD-style words such as "aux". */
  while ((c = opt_next(argc, argv, "o:AaefTwlx", NULL, 1)) != -1) {
    if (c == 'o') spec = spec ? xasprintf("%s,%s", spec, optarg) : xstrdup(optarg);
  }
  if (!spec) spec = xstrdup("pid,user,time,args");
  for (char *tok = strtok(spec, ","); tok && ncols < 16; tok = strtok(NULL, ",")) {
    char *eq = strchr(tok, '=');
    if (eq) *eq = 0;
    const struct column *k = NULL;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) if (!strcmp(known[i].key, tok)) k = &known[i];
    if (!k) die_msg(1, "bad -o argument '%s', supported arguments: user,group,comm,args,pid,ppid,time,stat,rss,vsz,uid,gid", tok);
    cols[ncols] = *k;
    if (eq) cols[ncols].header = eq + 1;
    ncols++;
  }
  char **names;
  int n = list_dir("/proc", &names);
  if (n < 0) die_err(1, errno, "can't open '/proc'");
  struct proc *procs = xmalloc(sizeof *procs * (size_t)(n ? n : 1));
  int np = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)names[i][0])) continue;
    if (read_proc(atoi(names[i]), &procs[np]) == 0) np++;
  }
  free_names(names, n);
  qsort(procs, (size_t)np, sizeof *procs, cmp_proc);
  for (int i = 0; i < ncols; i++) {
    if (i == ncols - 1) printf("%s\n", cols[i].header);
    else printf("%-*s ", cols[i].width, cols[i].header);
  }
  for (int k = 0; k < np; k++) {
    for (int i = 0; i < ncols; i++) cell(&cols[i], &procs[k], i == ncols - 1);
    putchar('\n');
  }
  return 0;
}

APPLET(kill) {
  int sig = 15, i = 1, list = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) { i++; break; }
    if (!strcmp(a, "-l") || !strcmp(a, "-L") || !strcmp(a, "--list")) { list = 1; continue; }
    if (!strcmp(a, "-s") || !strcmp(a, "--signal") || !strcmp(a, "-n")) {
      if (i + 1 >= argc) usage_fail("option requires an argument -- '%c'", a[1] == '-' ? 's' : a[1]);
      sig = signal_number(argv[++i]);
      if (sig < 0) die_msg(1, "%s: invalid signal", q(argv[i]));
      continue;
    }
    if (isdigit((unsigned char)a[1]) || isupper((unsigned char)a[1])) {
      sig = signal_number(a + 1);
      if (sig < 0) die_msg(1, "%s: invalid signal", q(a + 1));
      continue;
    }
    /* A negative number after options is a process group: not supported. */
    usage_fail("invalid option -- '%c'", a[1]);
  }
  if (list) {
    if (i >= argc) {
      for (int s = 1; s < 32; s++) puts(signal_name(s));
      return 0;
    }
    int status = 0;
    for (; i < argc; i++) {
      if (isdigit((unsigned char)argv[i][0])) {
        int s = atoi(argv[i]);
        if (s > 128) s -= 128;
        const char *name = signal_name(s);
        if (!name || s == 0) { warn_msg("%s: invalid signal", q(argv[i])); status = 1; }
        else puts(name);
      } else {
        int s = signal_number(argv[i]);
        if (s < 0) { warn_msg("%s: invalid signal", q(argv[i])); status = 1; }
        else printf("%d\n", s);
      }
    }
    return status;
  }
  if (i >= argc) usage_fail("no process ID specified");
  int status = 0;
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (end == argv[i] || *end) { warn_msg("%s: invalid process id", q(argv[i])); status = 1; continue; }
    int e = lb_kill((int)pid, sig);
    if (e) { warn_err(e, "sending signal to %ld failed", pid); status = 1; }
  }
  return status;
}
