/* uname and hostname, from the host's synthetic /proc (wasm/ABI.md). */
#include "box.h"
#include <stdlib.h>
#include <string.h>

const char help_uname[] =
  "Usage: uname [OPTION]...\n"
  "Print certain system information.  With no OPTION, same as -s.\n\n"
  "  -a, --all                print all information, in the following order,\n"
  "                             except omit -p and -i if unknown:\n"
  "  -s, --kernel-name        print the kernel name\n"
  "  -n, --nodename           print the network node hostname\n"
  "  -r, --kernel-release     print the kernel release\n"
  "  -v, --kernel-version     print the kernel version\n"
  "  -m, --machine            print the machine hardware name\n"
  "  -p, --processor          print the processor type (non-portable)\n"
  "  -i, --hardware-platform  print the hardware platform (non-portable)\n"
  "  -o, --operating-system   print the operating system\n";

const char help_hostname[] = "Usage: hostname\nShow the system's host name.\n";

/* First line of a file without its newline, or `fallback`. */
static char *first_line(const char *path, const char *fallback) {
  char *s = read_file(path, NULL);
  if (!s) return xstrdup(fallback);
  s[strcspn(s, "\n")] = 0;
  if (!*s) { free(s); return xstrdup(fallback); }
  return s;
}

static char *node_name(void) {
  char *h = first_line("/proc/sys/kernel/hostname", "");
  if (*h) return h;
  free(h);
  return first_line("/etc/hostname", "localhost");
}

/* Kernel version: the "#..." part of /proc/version, else /proc/sys/kernel/version. */
static char *kernel_version(void) {
  char *v = first_line("/proc/sys/kernel/version", "");
  if (*v) return v;
  free(v);
  char *pv = first_line("/proc/version", "");
  char *hash = strstr(pv, " #");
  if (hash) { char *r = xstrdup(hash + 1); free(pv); return r; }
  free(pv);
  return xstrdup("#1");
}

APPLET(uname) {
  static const struct option longs[] = {
    {"all", 0, 0, 'a'}, {"kernel-name", 0, 0, 's'}, {"nodename", 0, 0, 'n'}, {"kernel-release", 0, 0, 'r'},
    {"kernel-version", 0, 0, 'v'}, {"machine", 0, 0, 'm'}, {"processor", 0, 0, 'p'},
    {"hardware-platform", 0, 0, 'i'}, {"operating-system", 0, 0, 'o'}, {0, 0, 0, 0}};
  enum { S = 1, N = 2, R = 4, V = 8, M = 16, P = 32, I = 64, O = 128 };
  int c, want = 0, all = 0;
  while ((c = opt_next(argc, argv, "asnrvmpio", longs, 1)) != -1) {
    switch (c) {
      case 'a': all = 1; want |= S | N | R | V | M | O; break;
      case 's': want |= S; break;
      case 'n': want |= N; break;
      case 'r': want |= R; break;
      case 'v': want |= V; break;
      case 'm': want |= M; break;
      case 'p': want |= P; break;
      case 'i': want |= I; break;
      case 'o': want |= O; break;
    }
  }
  if (optind < argc) usage_fail("extra operand %s", q(argv[optind]));
  if (!want) want = S;
  const char *out[8];
  int n = 0;
  if (want & S) out[n++] = first_line("/proc/sys/kernel/ostype", "Linux");
  if (want & N) out[n++] = node_name();
  if (want & R) out[n++] = first_line("/proc/sys/kernel/osrelease", "6.0.0-layerbox");
  if (want & V) out[n++] = kernel_version();
  if (want & M) out[n++] = "wasm32";
  if ((want & P) && !all) out[n++] = "unknown";
  if ((want & I) && !all) out[n++] = "unknown";
  if (want & O) out[n++] = "GNU/Linux";
  for (int i = 0; i < n; i++) printf("%s%c", out[i], i + 1 < n ? ' ' : '\n');
  return 0;
}

APPLET(hostname) {
  static const struct option longs[] = {{"short", 0, 0, 's'}, {"fqdn", 0, 0, 'f'}, {0, 0, 0, 0}};
  int c, short_name = 0;
  while ((c = opt_next(argc, argv, "sf", longs, 1)) != -1) short_name = c == 's';
  if (optind < argc) die_msg(1, "you must be root to change the host name");
  char *h = node_name();
  if (short_name) h[strcspn(h, ".")] = 0;
  puts(h);
  return 0;
}
