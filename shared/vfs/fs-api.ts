/**
 * The synchronous filesystem a running process sees: a container's working set held in
 * memory. WASI calls are synchronous, so everything here is too; the engine fills the
 * working set (directory trees, file contents) before a process needs it, and hands the
 * changes back to the container's upper layer afterwards.
 *
 * Paths are resolved relative to a directory inode (like the *at() system calls), inside
 * the container root: absolute paths and absolute symlink targets start at the root, and
 * `..` never climbs above it. Every call that checks permissions takes the caller's
 * credentials. Errors are thrown as `FsError` with a POSIX code.
 */
import type { FsErrorCode } from '../unionfs/fs-error.ts';

export type { FsErrorCode };

/** Inode number; the root directory is always `ROOT_INO`. */
export type Ino = number;
export const ROOT_INO: Ino = 1;

export type FileType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface Cred {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups?: readonly number[];
  /** The calling process, for synthetic files whose content depends on it (`/proc/self`). */
  pid?: number;
}

export const ROOT_CRED: Cred = { uid: 0, gid: 0 };

export interface Stat {
  ino: Ino;
  type: FileType;
  /** Permission bits only (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  /** Nanoseconds since the epoch. */
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Devices only. */
  rdev?: { major: number; minor: number };
}

export interface DirEntry {
  name: string;
  ino: Ino;
  type: FileType;
  /**
   * The cookie that continues a listing after this entry (`readdir(cred, ino, next)`). It
   * names the entry's place, not an index, so it stays valid while other entries are
   * added or removed.
   */
  next?: number;
}

/** Sizes of the filesystem holding an inode (statfs); blocks of `blockSize` bytes. */
export interface StatFs {
  blockSize: number;
  blocks: number;
  blocksFree: number;
  files: number;
  filesFree: number;
}

export interface OpenFlags {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  /** With create: fail with EEXIST if the name exists. */
  exclusive?: boolean;
  truncate?: boolean;
  /** Fail with ENOTDIR unless the result is a directory. */
  directory?: boolean;
  /** Do not follow a final symlink (ELOOP if it is one, as O_NOFOLLOW). */
  noFollow?: boolean;
}

export interface SetAttr {
  mode?: number;
  /**
   * chown: -1 leaves one unchanged, as chown(2) takes it (a chown that changes neither
   * still clears setuid/setgid as Linux does); absent means no chown at all.
   */
  uid?: number;
  gid?: number;
  size?: number;
  /** Nanoseconds since the epoch; 'now' for the current time. */
  atimeNs?: bigint | 'now';
  mtimeNs?: bigint | 'now';
}

export interface FsApi {
  /** Resolve a path to an inode. `follow` follows a final symlink. */
  lookup(cred: Cred, dir: Ino, path: string, follow: boolean): Ino;
  stat(ino: Ino): Stat;
  /**
   * Open (and with `create`, create as a regular file with `mode & ~umask` applied by the
   * caller) the file at `path`, checking permissions for the requested access. Returns the
   * inode; an open inode stays readable after it is unlinked until `close`.
   */
  open(cred: Cred, dir: Ino, path: string, flags: OpenFlags, mode: number): Ino;
  /** Release a reference taken by `open`. */
  close(ino: Ino): void;
  read(ino: Ino, offset: number, length: number): Uint8Array;
  /** Optional: the content digest of a file unchanged since it came from the store. */
  contentDigest?(ino: Ino): string | undefined;
  /**
   * Write at `offset` (the caller computes append offsets), growing the file. Returns bytes
   * written. With the writer's `cred`, a write by anyone but root clears setuid (and
   * setgid where Linux does), as the kernel does on write.
   */
  write(ino: Ino, offset: number, data: Uint8Array, cred?: Cred): number;
  /**
   * Entries of a directory, without `.` and `..`, in a stable order (cookies index into it).
   * With `cookie` (a `next` of an earlier entry), only the entries after that one.
   */
  readdir(cred: Cred, ino: Ino, cookie?: number): DirEntry[];
  mkdir(cred: Cred, dir: Ino, path: string, mode: number): Ino;
  /** Create a device, fifo or other special node (root only for devices). */
  mknod(cred: Cred, dir: Ino, path: string, type: FileType, mode: number, rdev?: { major: number; minor: number }): Ino;
  symlink(cred: Cred, target: string, dir: Ino, path: string): Ino;
  readlink(cred: Cred, dir: Ino, path: string): string;
  /** Hard link: `newPath` becomes another name of the inode at `oldPath` (never a directory). */
  link(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string, follow: boolean): void;
  unlink(cred: Cred, dir: Ino, path: string): void;
  rmdir(cred: Cred, dir: Ino, path: string): void;
  rename(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string): void;
  /** chmod / chown / truncate / utimes, with Linux's permission rules for each. */
  setattr(cred: Cred, ino: Ino, attr: SetAttr): void;
  /** Check access like access(2): `want` is a mask of 4 (read), 2 (write), 1 (execute). */
  access(cred: Cred, ino: Ino, want: number): boolean;
  /** Sizes and inode counts of the filesystem holding `ino` (statfs). */
  statfs?(ino: Ino): StatFs;
  /** The absolute path of a directory inode, or undefined when it has none (removed, not a directory). */
  pathOf?(ino: Ino): string | undefined;
}
