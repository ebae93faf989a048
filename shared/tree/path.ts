import { InvalidArgumentError } from '../errors.ts';

/**
 * Lexical path handling for paths inside a container or layer: always `/`-separated,
 * `.` and `..` resolved lexically and clamped at the root (as Docker does for paths
 * inside a container), so no path can escape the root.
 */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** `/a/b/../c` → `/a/c`; always absolute. */
export function cleanPath(path: string): string {
  return '/' + splitPath(path).join('/');
}

/** Join `base` and `rel`; an absolute `rel` replaces `base`. Result is clean and absolute. */
export function resolvePath(base: string, rel: string): string {
  return rel.startsWith('/') ? cleanPath(rel) : cleanPath(base + '/' + rel);
}

export function dirname(path: string): string {
  const parts = splitPath(path);
  parts.pop();
  return '/' + parts.join('/');
}

export function basename(path: string): string {
  const parts = splitPath(path);
  return parts[parts.length - 1] ?? '/';
}

/** Reject names that cannot be one path component. */
export function checkName(name: string, where: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new InvalidArgumentError(`${where}: invalid file name ${JSON.stringify(name)}`);
  }
}
