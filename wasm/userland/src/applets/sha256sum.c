/* sha256sum: print or check SHA-256 checksums. */
#include "box.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_sha256sum[] =
  "Usage: sha256sum [OPTION]... [FILE]...\n"
  "Print or check SHA256 (256-bit) checksums.\n\n"
  "  -b, --binary         read in binary mode\n"
  "  -c, --check          read checksums from the FILEs and check them\n"
  "  -t, --text           read in text mode (default)\n"
  "  -z, --zero           end each output line with NUL, not newline\n"
  "      --quiet          don't print OK for each successfully verified file\n"
  "      --status         don't output anything, status code shows success\n"
  "  -w, --warn           warn about improperly formatted checksum lines\n";

static int digest_file(const char *path, char hex[65]) {
  int fd = open_input(path);
  if (fd < 0) return -1;
  sha256_ctx c;
  sha256_init(&c);
  static unsigned char buf[65536];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; int e = errno; if (fd) close(fd); errno = e; return -1; }
    if (r == 0) break;
    sha256_update(&c, buf, (size_t)r);
  }
  if (fd) close(fd);
  uint8_t out[32];
  sha256_final(&c, out);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", out[i]);
  return 0;
}

static int quiet, status_only, warn;

static int check(const char *list) {
  size_t len;
  char *text = read_file(list, &len);
  if (!text) { warn_err(errno, "%s", list); return 1; }
  const char *shown = strcmp(list, "-") ? list : "standard input";
  int bad_lines = 0, failed = 0, unreadable = 0, good = 0, lineno = 0;
  for (char *line = text; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = 0;
    lineno++;
    size_t l = strlen(line);
    if (l && line[l - 1] == '\r') line[--l] = 0;
    int ok_format = l > 66 && strspn(line, "0123456789abcdefABCDEF") == 64 && line[64] == ' ' &&
                    (line[65] == ' ' || line[65] == '*');
    if (!ok_format) {
      bad_lines++;
      if (warn) warn_msg("%s: %d: improperly formatted SHA256 checksum line", shown, lineno);
      line = next;
      continue;
    }
    const char *name = line + 66;
    char hex[65];
    if (digest_file(name, hex) != 0) {
      warn_err(errno, "%s", name);
      if (!status_only) printf("%s: FAILED open or read\n", name);
      unreadable++;
    } else if (strncasecmp(hex, line, 64) != 0) {
      if (!status_only) printf("%s: FAILED\n", name);
      failed++;
    } else {
      if (!status_only && !quiet) printf("%s: OK\n", name);
      good++;
    }
    line = next;
  }
  free(text);
  if (!good && !failed && !unreadable) {
    warn_msg("%s: no properly formatted SHA256 checksum lines found", shown);
    return 1;
  }
  if (!status_only) {
    fflush(stdout);
    if (bad_lines) warn_msg("WARNING: %d line%s improperly formatted", bad_lines, bad_lines > 1 ? "s are" : " is");
    if (unreadable) warn_msg("WARNING: %d listed file%s could not be read", unreadable, unreadable > 1 ? "s" : "");
    if (failed) warn_msg("WARNING: %d computed checksum%s did NOT match", failed, failed > 1 ? "s" : "");
  }
  return failed || unreadable;
}

APPLET(sha256sum) {
  enum { QUIET = 256, STATUS };
  static const struct option longs[] = {
    {"binary", 0, 0, 'b'}, {"check", 0, 0, 'c'}, {"text", 0, 0, 't'}, {"zero", 0, 0, 'z'},
    {"quiet", 0, 0, QUIET}, {"status", 0, 0, STATUS}, {"warn", 0, 0, 'w'}, {"strict", 0, 0, 's'}, {0, 0, 0, 0}};
  int c, checking = 0, binary = 0;
  char end = '\n';
  while ((c = opt_next(argc, argv, "bctzw", longs, 1)) != -1) {
    switch (c) {
      case 'b': binary = 1; break;
      case 't': binary = 0; break;
      case 'c': checking = 1; break;
      case 'z': end = 0; break;
      case QUIET: quiet = 1; break;
      case STATUS: status_only = 1; break;
      case 'w': warn = 1; break;
    }
  }
  static char *dash[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dash;
  int n = optind < argc ? argc - optind : 1, status = 0;
  for (int i = 0; i < n; i++) {
    if (checking) { status |= check(files[i]); continue; }
    char hex[65];
    if (digest_file(files[i], hex) != 0) { warn_err(errno, "%s", files[i]); status = 1; continue; }
    printf("%s %c%s%c", hex, binary ? '*' : ' ', files[i], end);
  }
  return status;
}
