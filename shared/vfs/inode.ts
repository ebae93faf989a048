import type { Digest } from '../digest/digest.ts';
import type { DirNode, Meta, MetaNode } from '../tree/node.ts';
import type { DirEntry, FileType } from './fs-api.ts';
import type { FsDomain } from './domain.ts';

/** A stored node not yet turned into an inode (never a whiteout or layer hardlink). */
export type StoredNode = MetaNode;

/** One name in a directory: the inode (once looked up) or the stored node, and its place for cookies. */
export interface Entry {
  /** Increasing within a directory in insertion order; readdir cookies name it. */
  seq: number;
  node: Inode | StoredNode;
}

/** A name of an inode: which directory holds it under which name. */
export interface LinkRef {
  dir: Inode;
  name: string;
}

/** Dirty flags: what changed since the domain's base (the last commit). */
export const DIRTY_META = 1;
export const DIRTY_DATA = 2;

const NS = 1_000_000_000n;

/**
 * Seconds (possibly fractional, as trees store them) to nanoseconds. A double holds
 * today's times to about a quarter of a microsecond, so the fraction is kept to whole
 * microseconds: what was written from nanoseconds reads back the same to the microsecond.
 */
export function secondsToNs(s: number): bigint {
  const whole = Math.floor(s);
  return BigInt(whole) * NS + BigInt(Math.round((s - whole) * 1e6)) * 1000n;
}

/** Nanoseconds to seconds as trees store them: whole when possible. */
export function nsToSeconds(ns: bigint): number {
  const whole = ns / NS;
  const frac = ns % NS;
  return frac === 0n ? Number(whole) : Number(whole) + Number(frac) / 1e9;
}

let nextIno = 2;

/**
 * One file, directory, symlink or special node of a working set. Regular-file contents
 * stay in the store (`digest`) until first read or written; a directory's children stay
 * in the store (`tree`) until first looked up.
 *
 * Inode numbers are unique in the whole JavaScript realm, so domains can be mounted in
 * several working sets at once.
 */
export class Inode {
  readonly ino = nextIno++;
  mode: number;
  uid: number;
  gid: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  xattrs: Record<string, string> | undefined;
  /** Every name of this inode (a directory has one, a domain root none). */
  links: LinkRef[] = [];
  /** References taken by `open`. */
  opens = 0;
  /** DIRTY_* since the last commit. */
  flags = 0;
  /** A mount point made only to mount on: never committed unless something changes it. */
  ghost = false;
  /** Removed directory: nothing can be created in it. */
  dead = false;

  // Regular files.
  /** Stored contents (current unless DIRTY_DATA). */
  digest: Digest | undefined;
  /** Loaded contents; capacity may exceed `size`, bytes past `size` are zero. */
  data: Uint8Array | undefined;
  /** `data` is shared with a source or a commit: copy before writing. */
  shared = false;
  size = 0;
  /** Hard-link group id the inode was loaded with. */
  linkId: string | undefined;

  // Symlinks.
  target = '';

  // Devices.
  major = 0;
  minor = 0;

  // Directories.
  /** Stored listing, until loaded into `entries`. */
  tree: Digest | undefined;
  entries: Map<string, Entry> | undefined;
  nextSeq = 1;
  /** Child directories (for nlink), valid once loaded. */
  subdirs = 0;
  /**
   * Names whose binding or inode may have changed since the last commit, each with its
   * binding at that commit (null: none). A directory with pending names is also
   * pending in its parent, up to the domain root, so a commit walks only what changed.
   */
  pending: Map<string, Entry | null> | undefined;
  /** readdir's ordered snapshot, rebuilt after a change. */
  listing: DirEntry[] | undefined;

  // Synthetic inodes: path inside the provider's tree.
  synthPath: string | undefined;

  constructor(
    readonly domain: FsDomain,
    readonly type: FileType,
    meta: Meta,
    timeNs: bigint,
  ) {
    this.mode = meta.mode & 0o7777;
    this.uid = meta.uid;
    this.gid = meta.gid;
    this.xattrs = meta.xattrs;
    this.atimeNs = timeNs;
    this.mtimeNs = timeNs;
    this.ctimeNs = timeNs;
  }

  get nlink(): number {
    if (this.type === 'dir') return this.dead ? 0 : 2 + this.subdirs;
    return this.links.length;
  }

  meta(): Meta {
    const m: Meta = { mode: this.mode, uid: this.uid, gid: this.gid, mtime: nsToSeconds(this.mtimeNs) };
    if (this.xattrs) m.xattrs = this.xattrs;
    return m;
  }
}

/** The stored type of a binding's target, materialized or not. */
export function typeOf(n: Inode | StoredNode): FileType {
  return n instanceof Inode ? n.type : n.type;
}

export function isStoredDir(n: Inode | StoredNode): n is DirNode {
  return !(n instanceof Inode) && n.type === 'dir';
}
