/* which: look commands up in PATH. */
#include "box.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_which[] =
  "Usage: which [-a] COMMAND...\n"
  "Print the full path of each COMMAND found in PATH.\n\n"
  "  -a    print all matching pathnames of each argument\n";

int executable_file(const char *path);

/* A regular file with an execute bit (root: any execute bit, as access(X_OK)). */
int executable_file(const char *path) {
  struct stat st;
  return xstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

APPLET(which) {
  int c, all = 0;
  while ((c = opt_next(argc, argv, "a", NULL, 1)) != -1) all = 1;
  if (optind >= argc) return 1;
  const char *path = getenv("PATH");
  if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int status = 0;
  for (int i = optind; i < argc; i++) {
    const char *name = argv[i];
    int found = 0;
    if (strchr(name, '/')) {
      if (executable_file(name)) { puts(name); found = 1; }
    } else {
      const char *p = path;
      for (;;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        char *dir = n ? xasprintf("%.*s", (int)n, p) : xstrdup(".");
        char *full = path_join(dir, name);
        if (executable_file(full)) {
          puts(full);
          found = 1;
        }
        free(dir);
        free(full);
        if ((found && !all) || !colon) break;
        p = colon + 1;
      }
    }
    if (!found) status = 1;
  }
  return status;
}
