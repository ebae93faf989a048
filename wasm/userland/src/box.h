/* Shared declarations of the userland: applet table, diagnostics, option parsing and
 * the filesystem helpers that join WASI calls with the layerbox imports. */
#ifndef BOX_H
#define BOX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <getopt.h>
#include <time.h>

#define APPLET(name) int applet_##name(int argc, char **argv)

/* ---- diagnostics (lib/err.c) ----------------------------------------------------- */
extern const char *applet_name;
/* Exit status for a usage error (invalid option): 1 for most, 2 for ls/grep/sort/tar. */
extern int usage_status;

void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "name: <msg>: <strerror(err)>" */
void warn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_msg(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_err(int status, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints "name: <msg>" then the "Try 'name --help'" line and exits with usage_status. */
_Noreturn void usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A file name quoted for a diagnostic, GNU style: 'name'. Eight rotating buffers. */
const char *q(const char *s);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Flushes stdout and turns a write error into "name: write error" and status 1. */
int finish(int status);

/* ---- options (lib/opt.c) ---------------------------------------------------------- */
/* getopt_long with GNU-style diagnostics. `shorts` as for getopt; when `permute` is 0
 * option parsing stops at the first operand. Returns -1 at the end; on an error it
 * prints the message and exits with usage_status. */
int opt_next(int argc, char **argv, const char *shorts, const struct option *longs, int permute);
/* Parses a non-negative decimal integer with an optional suffix set (e.g. "bkKmMgG");
 * returns -1 when invalid. */
long long parse_count(const char *s, int allow_suffix);

/* ---- paths and files (lib/fs.c) --------------------------------------------------- */
/* Resolves `path` against the preopens and the working directory: returns the dirfd
 * and stores the relative path (owned by a static buffer, valid until the next call). */
int path_at(const char *path, const char **rel);
/* stat/lstat that also fills mode, uid, gid and rdev from the host, and an estimate
 * of st_blocks (512-byte units). Returns 0 or -1 with errno. */
int xstat(const char *path, struct stat *st);
int xlstat(const char *path, struct stat *st);
int xchmod(const char *path, mode_t mode, int follow);
int xchown(const char *path, int uid, int gid, int follow);
/* The process umask (without changing it). */
mode_t get_umask(void);
/* Joins a directory and a name with one slash. Returns malloc'd text. */
char *path_join(const char *dir, const char *name);
/* Reads a whole file into a malloc'd, NUL-terminated buffer; returns NULL with errno. */
char *read_file(const char *path, size_t *len);
/* Reads a symlink's target into a malloc'd string; NULL with errno. */
char *xreadlink(const char *path);
/* Copies everything from fd `in` to fd `out`; returns 0 or -1 with errno. */
int copy_fd(int in, int out);
/* Writes all bytes; returns 0 or -1 with errno. */
int write_all(int fd, const void *buf, size_t n);
/* Sorted directory names without "." and ".."; returns count or -1 with errno. */
int list_dir(const char *path, char ***names);
void free_names(char **names, int n);
/* Opens a file for reading, "-" meaning stdin. */
int open_input(const char *path);
/* Reads a line of any length from a FILE (delimiter included); returns length or -1. */
ssize_t read_line(FILE *f, char **buf, size_t *cap, int delim);

/* Linux device number encoding (as glibc's makedev). */
#define DEV_MAJOR(d) ((unsigned)((((d) >> 32) & 0xfffff000u) | (((d) >> 8) & 0xfffu)))
#define DEV_MINOR(d) ((unsigned)((((d) >> 12) & 0xffffff00u) | ((d) & 0xffu)))
#define DEV_MAKE(ma, mi) ((((unsigned long long)(ma) & 0xfffff000ull) << 32) | (((unsigned long long)(ma) & 0xfffull) << 8) | \
                          (((unsigned long long)(mi) & 0xffffff00ull) << 12) | ((unsigned long long)(mi) & 0xffull))

/* ---- users and groups (lib/users.c) ----------------------------------------------- */
/* Name of a uid/gid from /etc/passwd or /etc/group, or NULL. */
const char *user_name(unsigned uid);
const char *group_name(unsigned gid);
/* uid/gid of a name (or a decimal number); -1 when unknown. */
long user_id(const char *name);
long group_id(const char *name);
/* Primary gid and home of a user, from /etc/passwd; -1 when unknown. */
long user_gid(unsigned uid);
/* Supplementary groups of a user (by name), including `primary`; returns count. */
int user_groups(const char *name, unsigned primary, unsigned *out, int max);

/* ---- formatting (lib/fmt.c) ------------------------------------------------------- */
/* "drwxr-xr-x" (10 chars + NUL) */
void mode_string(mode_t mode, char out[11]);
/* GNU "human readable" size with powers of 1024, rounded up: 1.5K, 10M. */
void human_size(unsigned long long n, char out[16]);
const char *file_type_name(const struct stat *st);
/* Backslash escapes of echo -e / printf %b. Writes to `out` (same size as `s` is
 * enough); returns length; sets *stop when \c was met. */
size_t unescape(const char *s, char *out, int *stop, int printf_style);
/* Parses a signal name or number ("TERM", "SIGTERM", "15"); -1 when unknown. */
int signal_number(const char *s);
const char *signal_name(int sig);
/* Parses a date: @N, YYYY-MM-DD[ HH:MM[:SS]], "now". Returns 0 on success. */
int parse_date(const char *s, struct timespec *out);

/* ---- processes (lib/proc.c) ------------------------------------------------------- */
/* Runs argv[] (found through PATH) and waits: returns the exit status as a shell
 * reports it, or -1 with errno when it could not start. envp NULL inherits. */
int run_program(char *const argv[], char *const envp[]);

/* ---- sha256 (lib/sha256.c) -------------------------------------------------------- */
typedef struct { uint32_t h[8]; uint64_t len; uint8_t buf[64]; size_t n; } sha256_ctx;
void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, uint8_t out[32]);

/* ---- deflate (lib/deflate.c) ------------------------------------------------------ */
/* gzip streams for tar -z. Both return 0 or -1 (message in *err). */
int gzip_compress(const uint8_t *in, size_t n, uint8_t **out, size_t *out_n);
int gzip_decompress(const uint8_t *in, size_t n, uint8_t **out, size_t *out_n, const char **err);

#endif
