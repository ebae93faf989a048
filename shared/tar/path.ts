/**
 * Entry names inside a layer. A clean path is relative to the layer root, uses `/`
 * separators, has no empty, `.` or `..` segments and no leading or trailing `/`; the
 * root itself is ''. Tar names are cleaned lexically (`./a//b/` → `a/b`, `a/../b` →
 * `b`), which is safe because a layer is a tree of names, never walked through
 * symlinks while it is imported.
 */

/** Clean `name`, or return why it is unacceptable (absolute, escapes the root, NUL, empty). */
export function cleanPath(name: string): string | { error: string } {
  if (name === '') return { error: 'empty name' };
  if (name.includes('\0')) return { error: 'name contains NUL' };
  if (name.startsWith('/')) return { error: 'absolute name' };
  const out: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return { error: 'name escapes the archive root' };
      out.pop();
    } else {
      out.push(seg);
    }
  }
  return out.join('/');
}
