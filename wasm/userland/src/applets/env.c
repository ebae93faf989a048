/* env and printenv. env runs its command through the host's `spawn` import. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

const char help_env[] =
  "Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\n"
  "Set each NAME to VALUE in the environment and run COMMAND.\n\n"
  "  -i, --ignore-environment  start with an empty environment\n"
  "  -0, --null           end each output line with NUL, not newline\n"
  "  -u, --unset=NAME     remove variable from the environment\n"
  "  -C, --chdir=DIR      change working directory to DIR\n";

const char help_printenv[] =
  "Usage: printenv [OPTION]... [VARIABLE]...\n"
  "Print the values of the specified environment VARIABLE(s).\n"
  "If no VARIABLE is specified, print name and value pairs for them all.\n\n"
  "  -0, --null     end each output line with NUL, not newline\n";

APPLET(env) {
  usage_status = 125;
  static const struct option longs[] = {
    {"ignore-environment", 0, 0, 'i'}, {"null", 0, 0, '0'}, {"unset", 1, 0, 'u'}, {"chdir", 1, 0, 'C'}, {0, 0, 0, 0}};
  int c, nul = 0;
  const char *dir = NULL;
  while ((c = opt_next(argc, argv, "i0u:C:", longs, 0)) != -1) {
    switch (c) {
      case 'i': clearenv(); break;
      case '0': nul = 1; break;
      case 'u': unsetenv(optarg); break;
      case 'C': dir = optarg; break;
    }
  }
  if (optind < argc && !strcmp(argv[optind], "-")) { clearenv(); optind++; }
  for (; optind < argc && strchr(argv[optind], '='); optind++) {
    char *eq = strchr(argv[optind], '=');
    if (eq == argv[optind]) die_msg(125, "cannot set %s: Invalid argument", q(argv[optind]));
    putenv(argv[optind]);
  }
  if (optind >= argc) {
    if (dir) usage_fail("must specify command with --chdir (-C)");
    for (char **e = environ; e && *e; e++) printf("%s%c", *e, nul ? 0 : '\n');
    return 0;
  }
  if (nul) usage_fail("cannot specify --null (-0) with command");
  if (dir) {
    if (chdir(dir) != 0) die_err(125, errno, "cannot change directory to %s", q(dir));
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) setenv("PWD", cwd, 1);
  }
  static char *none[] = {NULL};
  int st = run_program(argv + optind, environ ? environ : none);
  if (st < 0) {
    int e = errno;
    warn_err(e, "%s", q(argv[optind]));
    return e == ENOENT ? 127 : 126;
  }
  return st;
}

APPLET(printenv) {
  static const struct option longs[] = {{"null", 0, 0, '0'}, {0, 0, 0, 0}};
  int c, nul = 0;
  while ((c = opt_next(argc, argv, "0", longs, 1)) != -1) nul = 1;
  char end = nul ? 0 : '\n';
  if (optind >= argc) {
    for (char **e = environ; e && *e; e++) printf("%s%c", *e, end);
    return 0;
  }
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *v = strchr(argv[i], '=') ? NULL : getenv(argv[i]);
    if (v) printf("%s%c", v, end);
    else status = 1;
  }
  return status;
}
