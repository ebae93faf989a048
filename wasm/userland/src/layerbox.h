/* The `layerbox` host imports (wasm/ABI.md): POSIX facts that WASI preview1 lacks.
 * Every function returns a WASI errno (0 = success) unless noted. Paths are relative to
 * a directory fd, with an explicit length (not NUL-terminated). */
#ifndef LAYERBOX_H
#define LAYERBOX_H

#include <stdint.h>

#define LB_IMPORT(name) __attribute__((import_module("layerbox"), import_name(name)))

struct lb_stat {            /* 24 bytes, little endian */
  uint32_t mode;            /* S_IFMT type bits | permission bits 07777 */
  uint32_t uid;
  uint32_t gid;
  uint32_t rdev_major;
  uint32_t rdev_minor;
  uint32_t reserved;
};

struct lb_statfs {          /* 40 bytes */
  uint64_t block_size;
  uint64_t blocks;
  uint64_t blocks_free;
  uint64_t files;
  uint64_t files_free;
};

_Static_assert(sizeof(struct lb_stat) == 24, "lb_stat is 24 bytes");
_Static_assert(sizeof(struct lb_statfs) == 40, "lb_statfs is 40 bytes");

LB_IMPORT("stat_ext")
int32_t lb_stat_ext(int32_t dirfd, const char *path, uint32_t path_len, int32_t follow, struct lb_stat *out);
LB_IMPORT("fd_stat_ext")
int32_t lb_fd_stat_ext(int32_t fd, struct lb_stat *out);
LB_IMPORT("chmod")
int32_t lb_chmod(int32_t dirfd, const char *path, uint32_t path_len, int32_t follow, uint32_t mode);
LB_IMPORT("chown")
int32_t lb_chown(int32_t dirfd, const char *path, uint32_t path_len, int32_t follow, int32_t uid, int32_t gid);
LB_IMPORT("umask")
int32_t lb_umask(int32_t mask);           /* returns the previous mask */
LB_IMPORT("getuid")
int32_t lb_getuid(void);
LB_IMPORT("getgid")
int32_t lb_getgid(void);
LB_IMPORT("getpid")
int32_t lb_getpid(void);
LB_IMPORT("getppid")
int32_t lb_getppid(void);
LB_IMPORT("kill")
int32_t lb_kill(int32_t pid, int32_t sig);
/* argv and env: NUL-terminated strings laid end to end; env 0 with env_len 0 inherits. */
LB_IMPORT("spawn")
int32_t lb_spawn(const char *argv, uint32_t argv_len, const char *env, uint32_t env_len, int32_t *status_out);
LB_IMPORT("statfs")
int32_t lb_statfs(int32_t dirfd, const char *path, uint32_t path_len, struct lb_statfs *out);

#endif
