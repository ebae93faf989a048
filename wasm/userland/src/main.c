/* layerbox userland: one multi-call program. The applet is the basename of argv[0],
 * or the first argument when invoked under another name (`box ls -l`). */
#include "box.h"
#include "applets.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DECLARE(name, id) int applet_##id(int, char **); extern const char help_##id[];
APPLET_LIST(DECLARE)

/* `test` has no --help: `test --help` is a one-argument expression. */
const char help_test[] = "";

struct applet { const char *name; int (*run)(int, char **); const char *help; };

#define ENTRY(name, id) {name, applet_##id, help_##id},
static const struct applet applets[] = {APPLET_LIST(ENTRY)};
#define N_APPLETS (sizeof applets / sizeof applets[0])

static const struct applet *find(const char *name) {
  for (size_t i = 0; i < N_APPLETS; i++)
    if (!strcmp(applets[i].name, name)) return &applets[i];
  return NULL;
}

static const char *base(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int list(int one_per_line) {
  if (!one_per_line) {
    puts("layerbox userland: a multi-call program for wasm32-wasip1.\n"
         "Usage: box APPLET [ARGUMENTS]...  or invoke it under an applet's name.\n"
         "       box --list    print the applet names, one per line\n\n"
         "Applets:");
  }
  for (size_t i = 0; i < N_APPLETS; i++) {
    if (one_per_line) puts(applets[i].name);
    else printf("%s%s%s", i % 8 ? " " : "\t", applets[i].name, i % 8 == 7 || i + 1 == N_APPLETS ? "\n" : "");
  }
  return finish(0);
}

int main(int argc, char **argv) {
  /* The host passes the working directory as PWD (wasm/ABI.md). */
  const char *pwd = getenv("PWD");
  /* "/" is where a process starts already: no chdir, which costs the host a lookup and a stat. */
  if (pwd && pwd[0] == '/' && pwd[1]) chdir(pwd);

  const struct applet *a = argc > 0 ? find(base(argv[0])) : NULL;
  if (!a) {
    if (argc < 2 || !strcmp(argv[1], "--help")) return list(0);
    if (!strcmp(argv[1], "--list")) return list(1);
    a = find(base(argv[1]));
    if (!a) {
      fprintf(stderr, "box: applet not found: %s\n", argv[1]);
      return 127;
    }
    argc--;
    argv++;
  }
  applet_name = a->name;
  if (argc == 2 && a->help[0]) {
    if (!strcmp(argv[1], "--help")) { fputs(a->help, stdout); return finish(0); }
    if (!strcmp(argv[1], "--version")) { printf("%s (layerbox userland) 0.1.0\n", a->name); return finish(0); }
  }
  return finish(a->run(argc, argv));
}
