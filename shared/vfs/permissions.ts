import type { Cred } from './fs-api.ts';
import type { Inode } from './inode.ts';

export const R = 4;
export const W = 2;
export const X = 1;

export function inGroup(cred: Cred, gid: number): boolean {
  return cred.gid === gid || (cred.groups?.includes(gid) ?? false);
}

/**
 * Linux's permission check (generic_permission): root may read and write anything and
 * search any directory, but executes a non-directory only when some x bit is set;
 * everyone else gets exactly one class of bits: owner, else group (primary or
 * supplementary), else other.
 */
export function permits(cred: Cred, ino: Inode, want: number): boolean {
  if (cred.uid === 0) return !(want & X) || ino.type === 'dir' || (ino.mode & 0o111) !== 0;
  const bits = cred.uid === ino.uid ? ino.mode >> 6 : inGroup(cred, ino.gid) ? ino.mode >> 3 : ino.mode;
  return (bits & want) === want;
}

/** The sticky bit forbids removing or renaming `victim` out of `dir` unless the caller owns one of them. */
export function stickyDenies(cred: Cred, dir: Inode, victim: Inode): boolean {
  return (dir.mode & 0o1000) !== 0 && cred.uid !== 0 && cred.uid !== dir.uid && cred.uid !== victim.uid;
}

/** Bytes of a name in UTF-8 (names longer than 255 bytes are ENAMETOOLONG). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 2 : c >= 0xdc00 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}
