/* Tree copying shared by cp and mv (lib/copy.c). */
#ifndef COPY_H
#define COPY_H

struct copy_opts {
  int recursive;   /* copy directories */
  int deref;       /* follow every symlink */
  int deref_top;   /* follow symlinks named as sources */
  int mode, owner, times, links;  /* what to preserve */
  int force, no_clobber, verbose;
};

/* Copies src to dest (dest is the final name). Returns 0 or 1 after a diagnostic. */
int copy_tree(const struct copy_opts *o, const char *src, const char *dest, int top);

#endif
