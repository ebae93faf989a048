/* basename and dirname, as POSIX defines them on strings. */
#include "box.h"
#include <string.h>

const char help_basename[] =
  "Usage: basename NAME [SUFFIX]\n"
  "  or:  basename OPTION... NAME...\n"
  "Print NAME with any leading directory components removed.\n\n"
  "  -a, --multiple       support multiple arguments and treat each as a NAME\n"
  "  -s, --suffix=SUFFIX  remove a trailing SUFFIX; implies -a\n"
  "  -z, --zero           end each output line with NUL, not newline\n";

const char help_dirname[] =
  "Usage: dirname [OPTION] NAME...\n"
  "Output each NAME with its last non-slash component and trailing slashes removed.\n\n"
  "  -z, --zero     end each output line with NUL, not newline\n";

static void base_of(const char *s, const char *suffix, char end) {
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/') n--;
  size_t start = n;
  while (start > 0 && s[start - 1] != '/') start--;
  if (n == 1 && s[0] == '/') start = 0;
  size_t len = n - start;
  if (suffix && *suffix) {
    size_t sl = strlen(suffix);
    if (sl < len && !strncmp(s + start + len - sl, suffix, sl)) len -= sl;
  }
  fwrite(s + start, 1, len, stdout);
  putchar(end);
}

APPLET(basename) {
  static const struct option longs[] = {{"multiple", 0, 0, 'a'}, {"suffix", 1, 0, 's'}, {"zero", 0, 0, 'z'}, {0, 0, 0, 0}};
  int c, multi = 0;
  char end = '\n';
  const char *suffix = NULL;
  while ((c = opt_next(argc, argv, "as:z", longs, 1)) != -1) {
    if (c == 'a') multi = 1;
    else if (c == 's') { suffix = optarg; multi = 1; }
    else end = 0;
  }
  int n = argc - optind;
  if (n < 1) usage_fail("missing operand");
  if (!multi) {
    if (n > 2) usage_fail("extra operand %s", q(argv[optind + 2]));
    base_of(argv[optind], n == 2 ? argv[optind + 1] : NULL, end);
    return 0;
  }
  for (int i = optind; i < argc; i++) base_of(argv[i], suffix, end);
  return 0;
}

APPLET(dirname) {
  static const struct option longs[] = {{"zero", 0, 0, 'z'}, {0, 0, 0, 0}};
  char end = '\n';
  while (opt_next(argc, argv, "z", longs, 1) != -1) end = 0;
  if (optind >= argc) usage_fail("missing operand");
  for (int i = optind; i < argc; i++) {
    const char *s = argv[i];
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') n--;
    while (n > 0 && s[n - 1] != '/') n--;
    while (n > 1 && s[n - 1] == '/') n--;
    if (n == 0) fputs(s[0] == '/' ? "/" : ".", stdout);
    else fwrite(s, 1, n, stdout);
    putchar(end);
  }
  return 0;
}
