/* Text forms shared by several applets: mode strings, human sizes, escapes, signals, dates. */
#include "box.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void mode_string(mode_t m, char out[11]) {
  char t = '?';
  switch (m & S_IFMT) {
    case S_IFREG: t = '-'; break;
    case S_IFDIR: t = 'd'; break;
    case S_IFLNK: t = 'l'; break;
    case S_IFCHR: t = 'c'; break;
    case S_IFBLK: t = 'b'; break;
    case S_IFIFO: t = 'p'; break;
    case S_IFSOCK: t = 's'; break;
  }
  out[0] = t;
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
  if (m & S_ISUID) out[3] = (m & 0100) ? 's' : 'S';
  if (m & S_ISGID) out[6] = (m & 0010) ? 's' : 'S';
  if (m & S_ISVTX) out[9] = (m & 0001) ? 't' : 'T';
  out[10] = 0;
}

/* Mirrors gnulib's human_readable() with human_ceiling | human_autoscale | base 1024. */
void human_size(unsigned long long n, char out[16]) {
  static const char units[] = "KMGTPEZY";
  if (n < 1024) { snprintf(out, 16, "%llu", n); return; }
  unsigned long long amt = n;
  unsigned tenths = 0, rounding = 0;
  int exp = 0;
  do {
    unsigned r10 = (unsigned)(amt % 1024) * 10 + tenths;
    unsigned r2 = (r10 % 1024) * 2 + (rounding >> 1);
    amt /= 1024;
    tenths = r10 / 1024;
    rounding = r2 < 1024 ? (r2 != 0) : 2 + (1024 < r2);
    exp++;
  } while (amt >= 1024 && exp < 8);
  if (amt < 10) {
    if (rounding) { tenths++; rounding = 0; if (tenths == 10) { amt++; tenths = 0; } }
    if (amt < 10) { snprintf(out, 16, "%llu.%u%c", amt, tenths, units[exp - 1]); return; }
  }
  if (tenths + rounding) {
    amt++;
    if (amt == 1024 && exp < 8) { snprintf(out, 16, "1.0%c", units[exp]); return; }
  }
  snprintf(out, 16, "%llu%c", amt, units[exp - 1]);
}

const char *file_type_name(const struct stat *st) {
  switch (st->st_mode & S_IFMT) {
    case S_IFREG: return st->st_size ? "regular file" : "regular empty file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFCHR: return "character special file";
    case S_IFBLK: return "block special file";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
  }
  return "weird file";
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

size_t unescape(const char *s, char *out, int *stop, int printf_style) {
  char *o = out;
  *stop = 0;
  while (*s) {
    if (*s != '\\' || !s[1]) { *o++ = *s++; continue; }
    s++;
    char c = *s++;
    switch (c) {
      case 'a': *o++ = '\a'; break;
      case 'b': *o++ = '\b'; break;
      case 'c': *stop = 1; return (size_t)(o - out);
      case 'e': *o++ = 27; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'v': *o++ = '\v'; break;
      case '\\': *o++ = '\\'; break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && hexval(*s) >= 0) v = v * 16 + hexval(*s++), n++;
        if (!n) { *o++ = '\\'; *o++ = 'x'; } else *o++ = (char)v;
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        /* printf formats: \NNN. echo -e and %b: \0NNN, and \NNN as coreutils allows. */
        int v = 0, n = 0;
        if (printf_style || c != '0') s--;
        while (n < 3 && *s >= '0' && *s <= '7') v = v * 8 + (*s++ - '0'), n++;
        *o++ = (char)v;
        break;
      }
      default:
        if (printf_style && (c == '"' || c == '\'')) { *o++ = c; break; }
        *o++ = '\\';
        *o++ = c;
    }
  }
  return (size_t)(o - out);
}

static const char *const signames[] = {
  "0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
  "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
  "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
};

int signal_number(const char *s) {
  if (isdigit((unsigned char)*s)) {
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 || v > 64 ? -1 : (int)v;
  }
  if (!strncasecmp(s, "SIG", 3)) s += 3;
  for (int i = 1; i < 32; i++) if (!strcasecmp(s, signames[i])) return i;
  if (!strcasecmp(s, "IO")) return 29;
  if (!strcasecmp(s, "IOT")) return 6;
  return -1;
}

const char *signal_name(int sig) {
  return sig >= 0 && sig < 32 ? signames[sig] : NULL;
}

static const char *digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return NULL;
    v = v * 10 + s[i] - '0';
  }
  *out = v;
  return s + n;
}

int parse_date(const char *s, struct timespec *out) {
  while (isspace((unsigned char)*s)) s++;
  if (!strcmp(s, "now") || !*s) return clock_gettime(CLOCK_REALTIME, out);
  if (*s == '@') {
    /* Seconds and an exact decimal fraction (no floating point rounding). */
    const char *p = s + 1;
    int neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    long long sec = 0;
    while (isdigit((unsigned char)*p)) sec = sec * 10 + (*p++ - '0');
    long nsec = 0;
    if (*p == '.') {
      long scale = 100000000;
      for (p++; isdigit((unsigned char)*p); p++, scale /= 10) nsec += (*p - '0') * scale;
    }
    if (*p) return -1;
    if (neg) {
      sec = -sec;
      if (nsec) { sec--; nsec = 1000000000 - nsec; }
    }
    out->tv_sec = (time_t)sec;
    out->tv_nsec = nsec;
    return 0;
  }
  struct tm tm = {0};
  int y, mo, d, h = 0, mi = 0, sec = 0;
  long nsec = 0;
  const char *p = digits(s, 4, &y);
  if (!p || *p != '-' || !(p = digits(p + 1, 2, &mo)) || *p != '-' || !(p = digits(p + 1, 2, &d))) return -1;
  if (*p == ' ' || *p == 'T') {
    p++;
    if (!(p = digits(p, 2, &h)) || *p != ':' || !(p = digits(p + 1, 2, &mi))) return -1;
    if (*p == ':') {
      if (!(p = digits(p + 1, 2, &sec))) return -1;
      if (*p == '.') {
        long scale = 100000000;
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10) nsec += (*p - '0') * scale;
      }
    }
  }
  while (*p == ' ') p++;
  if (*p == 'Z' || !strcmp(p, "UTC") || !strcmp(p, "+0000") || !strcmp(p, "+00:00")) p += strlen(p);
  if (*p) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  out->tv_sec = timegm(&tm);
  out->tv_nsec = nsec;
  return 0;
}
