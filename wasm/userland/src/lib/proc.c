/* Running programs through the host's `spawn` import (WASI has no fork/exec). */
#include "box.h"
#include "layerbox.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *pack(char *const v[], size_t *len) {
  size_t n = 0;
  for (int i = 0; v[i]; i++) n += strlen(v[i]) + 1;
  char *buf = xmalloc(n), *p = buf;
  for (int i = 0; v[i]; i++) {
    size_t l = strlen(v[i]) + 1;
    memcpy(p, v[i], l);
    p += l;
  }
  *len = n;
  return buf;
}

int run_program(char *const argv[], char *const envp[]) {
  fflush(stdout);
  fflush(stderr);
  size_t alen, elen = 0;
  char *a = pack(argv, &alen);
  char *e = envp ? pack(envp, &elen) : NULL;
  /* An explicitly empty environment still passes a non-null buffer. */
  static char empty[1];
  if (envp && !elen) e = empty;
  int32_t status = 0;
  int err = lb_spawn(a, (uint32_t)alen, e, (uint32_t)elen, &status);
  free(a);
  if (e != empty) free(e);
  if (err) { errno = err; return -1; }
  return status;
}
