/* id and whoami: the process's uid/gid come from the host, names from /etc. */
#include "box.h"
#include "layerbox.h"
#include <string.h>

const char help_id[] =
  "Usage: id [OPTION]... [USER]\n"
  "Print user and group information for USER, or (when USER omitted) for the current process.\n\n"
  "  -g, --group    print only the effective group ID\n"
  "  -G, --groups   print all group IDs\n"
  "  -n, --name     print a name instead of a number, for -ugG\n"
  "  -r, --real     print the real ID instead of the effective ID, with -ugG\n"
  "  -u, --user     print only the effective user ID\n"
  "  -z, --zero     delimit entries with NUL characters, not whitespace\n";

const char help_whoami[] = "Usage: whoami\nPrint the user name associated with the current effective user ID.\n";

static void put_id(unsigned id, const char *name, int by_name) {
  if (by_name && name) fputs(name, stdout);
  else printf("%u", id);
}

APPLET(id) {
  static const struct option longs[] = {
    {"group", 0, 0, 'g'}, {"groups", 0, 0, 'G'}, {"name", 0, 0, 'n'}, {"real", 0, 0, 'r'},
    {"user", 0, 0, 'u'}, {"zero", 0, 0, 'z'}, {0, 0, 0, 0}};
  int c, only = 0, by_name = 0, zero = 0;
  while ((c = opt_next(argc, argv, "gGnruz", longs, 1)) != -1) {
    if (c == 'g' || c == 'G' || c == 'u') {
      if (only && only != c) usage_fail("cannot print \"only\" of more than one choice");
      only = c;
    } else if (c == 'n') by_name = 1;
    else if (c == 'z') zero = 1;
  }
  if (argc - optind > 1) usage_fail("extra operand %s", q(argv[optind + 1]));
  if (by_name && !only) usage_fail("cannot print only names or real IDs in default format");
  unsigned uid, gid;
  const char *uname;
  if (optind < argc) {
    long u = user_id(argv[optind]);
    long g = u >= 0 ? user_gid((unsigned)u) : -1;
    if (u < 0 || g < 0) die_msg(1, "%s: no such user", q(argv[optind]));
    uid = (unsigned)u;
    gid = (unsigned)g;
  } else {
    uid = (unsigned)lb_getuid();
    gid = (unsigned)lb_getgid();
  }
  uname = user_name(uid);
  unsigned groups[64];
  int ng = user_groups(uname, gid, groups, 64);
  char sep = zero ? 0 : ' ', end = zero ? 0 : '\n';
  if (only == 'u') { put_id(uid, uname, by_name); putchar(end); return 0; }
  if (only == 'g') { put_id(gid, group_name(gid), by_name); putchar(end); return 0; }
  if (only == 'G') {
    for (int i = 0; i < ng; i++) {
      if (i) putchar(sep);
      put_id(groups[i], group_name(groups[i]), by_name);
    }
    putchar(end);
    return 0;
  }
  int status = 0;
  printf("uid=%u", uid);
  if (uname) printf("(%s)", uname);
  printf(" gid=%u", gid);
  if (group_name(gid)) printf("(%s)", group_name(gid));
  printf(" groups=");
  for (int i = 0; i < ng; i++) {
    printf("%s%u", i ? "," : "", groups[i]);
    if (group_name(groups[i])) printf("(%s)", group_name(groups[i]));
  }
  putchar('\n');
  if (!uname && optind >= argc) status = 0;
  return status;
}

APPLET(whoami) {
  (void)argv;
  if (argc > 1) usage_fail("extra operand %s", q(argv[1]));
  unsigned uid = (unsigned)lb_getuid();
  const char *name = user_name(uid);
  if (!name) die_msg(1, "cannot find name for user ID %u", uid);
  puts(name);
  return 0;
}
