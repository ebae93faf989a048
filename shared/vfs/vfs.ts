import type { Digest } from '../digest/digest.ts';
import { host } from '../host.ts';
import type { DirNode } from '../tree/node.ts';
import { cleanPath } from '../tree/path.ts';
import type { Change } from '../unionfs/change.ts';
import { FsError, type FsErrorCode } from '../unionfs/fs-error.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';
import { FsDomain, type DomainOptions } from './domain.ts';
import {
  ROOT_CRED,
  ROOT_INO,
  type Cred,
  type DirEntry,
  type FileType,
  type FsApi,
  type Ino,
  type OpenFlags,
  type SetAttr,
  type Stat,
  type StatFs,
} from './fs-api.ts';
import { DIRTY_DATA, DIRTY_META, Inode } from './inode.ts';
import { inGroup, permits, R, stickyDenies, utf8Length, W, X } from './permissions.ts';
import type { TreeSource } from './source.ts';
import type { SyntheticProvider } from './synthetic.ts';

const MAX_SYMLINKS = 40;
const NAME_MAX = 255;
const EMPTY = new Uint8Array(0);
// FsErrorCode has no EBUSY; EINVAL is the closest code it offers.
const EBUSY: FsErrorCode = 'EINVAL';

export interface VfsOptions {
  /** The root filesystem is read-only (`docker run --read-only`): writes give EROFS. */
  readOnly?: boolean;
  /** The clock, in nanoseconds since the epoch. */
  now?: () => bigint;
  /** fs.protected_hardlinks: only owners (or readers and writers of plain files) may hard-link. Default on. */
  protectedHardlinks?: boolean;
  /** fs.protected_symlinks: symlinks in sticky world-writable directories are followed only by their owner or the directory's. Default on. */
  protectedSymlinks?: boolean;
}

export interface MountOptions {
  readOnly?: boolean;
  /** Mount this directory of the domain instead of its root (a bind of a subdirectory). */
  subdir?: string;
  /**
   * Make the mount point (and missing parents) when absent, as directories that exist
   * only to be mounted on: they are not written back unless something else changes them.
   */
  create?: boolean;
}

/** A filesystem mounted into a working set. */
export interface Mount {
  /** Absolute path of the mount point. */
  readonly path: string;
  readonly domain: FsDomain;
  readonly readOnly: boolean;
  /** The directory covered by the mount. */
  readonly point: Inode;
  /** The directory seen at the mount point. */
  readonly root: Inode;
}

/** Where the last component of a path lives, for calls that create, remove or rename it. */
interface Last {
  dir: Inode;
  name: string;
  /** The path ended with '/'. */
  slash: boolean;
  kind: 'name' | '.' | '..' | '/';
}

interface Hops {
  n: number;
}

/**
 * A container's filesystem as its processes see it: synchronous, in memory, Linux
 * semantics (inodes, hard links, symlinks resolved inside the root, POSIX rename,
 * permissions with root's exceptions, sticky directories, mounts). The root domain is
 * usually the merged view of an image and a container's upper layer; volumes, tmpfs and
 * synthetic trees (/proc) are mounted on it. Changes are taken back per domain with
 * `FsDomain.commitTo` / `commitTree`, costing O(changed).
 */
export class Vfs implements FsApi {
  readonly domain: FsDomain;
  private readonly root: Inode;
  private readonly mountAt = new Map<Inode, Mount>();
  private readonly mountOf = new Map<Inode, Mount>();
  private readonly mountList: Mount[] = [];
  private readonly readOnlyDomains = new Set<FsDomain>();
  private readonly now: () => bigint;
  private readonly protectHardlinks: boolean;
  private readonly protectSymlinks: boolean;

  constructor(root: FsDomain, opts: VfsOptions = {}) {
    this.domain = root;
    this.root = root.root;
    this.now = opts.now ?? (() => BigInt(host().now()) * 1_000_000n);
    this.protectHardlinks = opts.protectedHardlinks ?? true;
    this.protectSymlinks = opts.protectedSymlinks ?? true;
    if (opts.readOnly) this.readOnlyDomains.add(root);
  }

  /** A working set over a stored tree (typically an image's root merged with a container's layer). */
  static fromTree(root: DirNode, source: TreeSource, opts: VfsOptions & DomainOptions = {}): Vfs {
    return new Vfs(FsDomain.fromTree(root, source, opts), opts);
  }

  // ---- Mounts ----

  /** Mount a domain (volume, tmpfs, another working set's tree) or a synthetic tree at the directory `path`. */
  mount(path: string, what: FsDomain | SyntheticProvider, opts: MountOptions = {}): Mount {
    const domain = what instanceof FsDomain ? what : FsDomain.synthetic(what);
    let point: Inode;
    try {
      point = this.resolve(ROOT_CRED, this.root, path, true, { n: 0 }, path);
    } catch (e) {
      if (!(opts.create && e instanceof FsError && e.code === 'ENOENT')) throw e;
      point = this.makeGhosts(path);
    }
    if (point.type !== 'dir') throw new FsError('ENOTDIR', path);
    let root = domain.root;
    if (opts.subdir) {
      root = this.resolve(ROOT_CRED, domain.root, opts.subdir.replace(/^\/+/, '') || '.', true, { n: 0 }, opts.subdir);
      if (root.type !== 'dir') throw new FsError('ENOTDIR', opts.subdir);
    }
    if (root === point) throw new FsError('EINVAL', path);
    const m: Mount = { path: cleanPath(path), domain, readOnly: opts.readOnly ?? false, point, root };
    this.mountAt.set(point, m);
    this.mountOf.set(root, m);
    this.mountList.push(m);
    if (m.readOnly) this.readOnlyDomains.add(domain);
    return m;
  }

  /** Remove the mount whose root is seen at `path`. */
  umount(path: string): void {
    const root = this.resolve(ROOT_CRED, this.root, path, true, { n: 0 }, path);
    const m = this.mountOf.get(root);
    if (!m) throw new FsError('EINVAL', path);
    this.mountAt.delete(m.point);
    this.mountList.splice(this.mountList.indexOf(m), 1);
    // The same tree may be mounted elsewhere too: `..` from its root then leads there.
    const other = this.mountList.find((x) => x.root === m.root);
    if (other) this.mountOf.set(m.root, other);
    else this.mountOf.delete(m.root);
    if (m.readOnly && !this.mountList.some((x) => x.domain === m.domain && x.readOnly)) this.readOnlyDomains.delete(m.domain);
  }

  /** The mounts, in the order they were made. */
  mounts(): readonly Mount[] {
    return this.mountList;
  }

  private makeGhosts(path: string): Inode {
    let cur = this.root;
    for (const name of cleanPath(path).split('/').filter(Boolean)) {
      const next = this.child(ROOT_CRED, cur, name, path);
      if (next) {
        cur = next.type === 'symlink' ? this.resolve(ROOT_CRED, cur, name, true, { n: 0 }, path) : next;
        if (cur.type !== 'dir') throw new FsError('ENOTDIR', path);
        continue;
      }
      const d = cur.domain.create('dir', { mode: 0o755, uid: 0, gid: 0, mtime: 0 }, this.now());
      cur.domain.bindGhost(cur, name, d);
      cur = d;
    }
    return cur;
  }

  // ---- Taking changes back ----

  /** The root domain's changes since its base, as Docker's `diff` lists them. */
  changes(): Change[] {
    return this.domain.changes();
  }

  /** Write the root domain's changes onto the container's union filesystem (see FsDomain.commitTo). */
  commitTo(fs: UnionFs): Promise<Change[]> {
    return this.domain.commitTo(fs);
  }

  // ---- Inodes and paths ----

  private get(ino: Ino): Inode {
    if (ino === ROOT_INO) return this.root;
    const i = this.domain.inodes.get(ino) ?? this.inMounts(ino);
    if (!i) throw new FsError('ENOENT', `inode ${ino}`);
    return i;
  }

  private inMounts(ino: Ino): Inode | undefined {
    for (const m of this.mountList) {
      const i = m.domain.inodes.get(ino);
      if (i) return i;
    }
    return undefined;
  }

  private number(i: Inode): Ino {
    return i === this.root ? ROOT_INO : i.ino;
  }

  private readOnly(i: Inode): boolean {
    return this.readOnlyDomains.size > 0 && this.readOnlyDomains.has(i.domain);
  }

  /** What is seen at an inode: the root of whatever is mounted on it, else itself. */
  private cross(i: Inode): Inode {
    if (this.mountAt.size === 0) return i;
    for (let m = this.mountAt.get(i); m; m = this.mountAt.get(i)) i = m.root;
    return i;
  }

  private up(cur: Inode, where: string): Inode {
    for (;;) {
      if (cur === this.root) return cur;
      const m = this.mountOf.get(cur);
      if (!m) break;
      cur = m.point;
    }
    const l = cur.links[0];
    if (!l || cur.dead) throw new FsError('ENOENT', where);
    return l.dir;
  }

  private search(cred: Cred, dir: Inode, where: string): void {
    if (dir.type !== 'dir') throw new FsError('ENOTDIR', where);
    if (!permits(cred, dir, X)) throw new FsError('EACCES', where);
  }

  private checkName(name: string, where: string): void {
    if (name.length > NAME_MAX / 3 && utf8Length(name) > NAME_MAX) throw new FsError('ENAMETOOLONG', where);
  }

  /** The child `name` of `dir` as seen (mounts crossed), or undefined. The caller checked search permission. */
  private child(cred: Cred, dir: Inode, name: string, where: string): Inode | undefined {
    this.checkName(name, where);
    if (dir.dead) return undefined;
    const c = dir.synthPath !== undefined ? dir.domain.synthChild(dir, name, cred) : dir.domain.child(dir, name);
    return c && this.cross(c);
  }

  private peek(cred: Cred, last: Last, where: string): Inode | undefined {
    return this.child(cred, last.dir, last.name, where);
  }

  private target(cred: Cred, dir: Inode, link: Inode, hops: Hops, where: string): string {
    if (++hops.n > MAX_SYMLINKS) throw new FsError('ELOOP', where);
    if (this.protectSymlinks && (dir.mode & 0o1002) === 0o1002 && cred.uid !== link.uid && dir.uid !== link.uid) {
      throw new FsError('EACCES', where);
    }
    if (link.target === '') throw new FsError('ENOENT', where);
    return link.target;
  }

  /**
   * Resolve `path` from `start` like the kernel's path walk, with this working set's
   * root as `/`: search permission on every directory, symlinks followed (the final one
   * when `follow` or when a '/' follows it), `..` stopping at the root, mounts crossed.
   */
  private resolve(cred: Cred, start: Inode, path: string, follow: boolean, hops: Hops, where: string): Inode {
    if (path === '') throw new FsError('ENOENT', where);
    let cur = path.charCodeAt(0) === 47 ? this.root : start;
    let parts = path.split('/');
    let i = 0;
    while (i < parts.length) {
      const name = parts[i++]!;
      if (name === '') {
        if (cur.type !== 'dir') throw new FsError('ENOTDIR', where);
        continue;
      }
      this.search(cred, cur, where);
      if (name === '.') continue;
      if (name === '..') {
        cur = this.up(cur, where);
        continue;
      }
      const next = this.child(cred, cur, name, where);
      if (!next) throw new FsError('ENOENT', where);
      if (next.type === 'symlink' && (i < parts.length || follow)) {
        const t = this.target(cred, cur, next, hops, where);
        parts = i < parts.length ? [...t.split('/'), ...parts.slice(i)] : t.split('/');
        i = 0;
        if (t.charCodeAt(0) === 47) cur = this.root;
        continue;
      }
      cur = next;
    }
    return cur;
  }

  /** Resolve all but the last component of `path`; search permission on the last directory is checked too. */
  private parentOf(cred: Cred, start: Inode, path: string, hops: Hops, where: string): Last {
    if (path === '') throw new FsError('ENOENT', where);
    let end = path.length;
    while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
    const slash = end < path.length;
    const p = path.slice(0, end);
    if (p === '/') return { dir: this.root, name: '', slash, kind: '/' };
    const cut = p.lastIndexOf('/');
    const name = p.slice(cut + 1);
    const dir = cut < 0 ? start : this.resolve(cred, start, cut === 0 ? '/' : p.slice(0, cut + 1), true, hops, where);
    this.search(cred, dir, where);
    return { dir, name, slash, kind: name === '.' ? '.' : name === '..' ? '..' : 'name' };
  }

  private mayCreate(cred: Cred, dir: Inode, where: string): void {
    if (dir.dead) throw new FsError('ENOENT', where);
    if (!permits(cred, dir, W | X)) throw new FsError('EACCES', where);
    if (dir.synthPath !== undefined) throw new FsError('EACCES', where);
  }

  private busy(i: Inode): boolean {
    return i === this.root || i.links.length === 0 || this.mountOf.has(i) || this.mountAt.has(i);
  }

  private mayDelete(cred: Cred, dir: Inode, victim: Inode, isDir: boolean, where: string): void {
    if (!permits(cred, dir, W | X)) throw new FsError('EACCES', where);
    if (stickyDenies(cred, dir, victim)) throw new FsError('EPERM', where);
    if (isDir) {
      if (victim.type !== 'dir') throw new FsError('ENOTDIR', where);
      if (this.busy(victim)) throw new FsError(EBUSY, where);
    } else if (victim.type === 'dir') throw new FsError('EISDIR', where);
    if (dir.synthPath !== undefined) throw new FsError('EACCES', where);
  }

  /** A new inode in `dir` with Linux's ownership rules (setgid directories pass on their group). */
  private make(cred: Cred, dir: Inode, type: FileType, mode: number): Inode {
    const sgidDir = (dir.mode & 0o2000) !== 0;
    const gid = sgidDir ? dir.gid : cred.gid;
    let m = mode & 0o7777;
    if (type === 'dir') m = (mode & 0o1777) | (sgidDir ? 0o2000 : 0);
    else if ((m & 0o2010) === 0o2010 && cred.uid !== 0 && !inGroup(cred, gid)) m &= ~0o2000;
    if (type === 'symlink') m = 0o777;
    return dir.domain.create(type, { mode: m, uid: cred.uid, gid, mtime: 0 }, this.now());
  }

  /** Ancestor-or-self test inside one domain. */
  private contains(a: Inode, d: Inode): boolean {
    for (let cur: Inode | undefined = d; cur; cur = cur.links[0]?.dir) if (cur === a) return true;
    return false;
  }

  // ---- FsApi ----

  lookup(cred: Cred, dir: Ino, path: string, follow: boolean): Ino {
    return this.number(this.resolve(cred, this.get(dir), path, follow, { n: 0 }, path));
  }

  stat(ino: Ino): Stat {
    const i = this.get(ino);
    if (i.type === 'dir' && !i.dead && i.synthPath === undefined) i.domain.entries(i);
    const s: Stat = {
      ino: this.number(i),
      type: i.type,
      mode: i.mode,
      uid: i.uid,
      gid: i.gid,
      nlink: i.nlink,
      size: i.type === 'file' ? i.size : i.type === 'symlink' ? utf8Length(i.target) : i.type === 'dir' ? 4096 : 0,
      atimeNs: i.atimeNs,
      mtimeNs: i.mtimeNs,
      ctimeNs: i.ctimeNs,
    };
    if (i.type === 'char' || i.type === 'block') s.rdev = { major: i.major, minor: i.minor };
    return s;
  }

  open(cred: Cred, dir: Ino, path: string, flags: OpenFlags, mode: number): Ino {
    const start = this.get(dir);
    const hops: Hops = { n: 0 };
    let node: Inode;
    if (flags.create) {
      let last = this.parentOf(cred, start, path, hops, path);
      for (;;) {
        if (last.kind !== 'name') {
          node = last.kind === '/' ? this.root : this.resolve(cred, last.dir, last.name, true, hops, path);
          if (flags.exclusive) throw new FsError('EEXIST', path);
          break;
        }
        if (last.slash) throw new FsError('EISDIR', path);
        const found = this.peek(cred, last, path);
        if (!found) {
          if (this.readOnly(last.dir)) throw new FsError('EROFS', path);
          this.mayCreate(cred, last.dir, path);
          const f = this.make(cred, last.dir, 'file', mode);
          last.dir.domain.bind(last.dir, last.name, f, f.ctimeNs);
          f.opens++;
          return this.number(f);
        }
        if (flags.exclusive) throw new FsError('EEXIST', path);
        if (found.type !== 'symlink') {
          node = found;
          break;
        }
        if (flags.noFollow) throw new FsError('ELOOP', path);
        last = this.parentOf(cred, last.dir, this.target(cred, last.dir, found, hops, path), hops, path);
      }
    } else {
      node = this.resolve(cred, start, path, !flags.noFollow, hops, path);
      if (flags.noFollow && node.type === 'symlink') throw new FsError('ELOOP', path);
    }
    if (flags.directory && node.type !== 'dir') throw new FsError('ENOTDIR', path);
    if (flags.create && node.type === 'dir') throw new FsError('EISDIR', path);
    const writing = flags.write === true || flags.truncate === true;
    if (node.type === 'dir' && writing) throw new FsError('EISDIR', path);
    const want = (flags.read ? R : 0) | (writing ? W : 0);
    if (want && !permits(cred, node, want)) throw new FsError('EACCES', path);
    if (writing && this.readOnly(node) && (node.type === 'file' || node.type === 'dir' || node.type === 'symlink')) {
      throw new FsError('EROFS', path);
    }
    if (node.synthPath !== undefined && node.type === 'file') {
      const provider = node.domain.synthetic!;
      if (writing && !provider.write) throw new FsError('EACCES', path);
      const data = provider.read(node.synthPath, cred);
      node.data = data;
      node.size = data.length;
      node.shared = true;
    } else if (flags.truncate && node.type === 'file') {
      this.resize(node, 0);
      this.dropPrivileges(node, cred, false);
    }
    node.opens++;
    return this.number(node);
  }

  close(ino: Ino): void {
    const i = this.get(ino);
    if (i.opens > 0) i.opens--;
    i.domain.maybeFree(i);
  }

  /**
   * The digest of a file's contents while it is unchanged from the store, without
   * reading it: programs are compiled once per content, so starting one from a lower
   * layer costs no read and no hash.
   */
  contentDigest(ino: Ino): Digest | undefined {
    const i = this.get(ino);
    if (i.type !== 'file' || i.synthPath !== undefined || i.flags & DIRTY_DATA) return undefined;
    return i.size === 0 ? undefined : i.digest;
  }

  read(ino: Ino, offset: number, length: number): Uint8Array {
    const i = this.get(ino);
    if (i.type === 'dir') throw new FsError('EISDIR', `inode ${ino}`);
    if (i.type !== 'file') throw new FsError('EINVAL', `inode ${ino}`);
    if (offset < 0 || length < 0) throw new FsError('EINVAL', `inode ${ino}`);
    const end = Math.min(i.size, offset + length);
    if (offset >= end) return EMPTY;
    const data = this.loaded(i);
    // relatime: the access time moves only when it is older than the last change.
    if (i.atimeNs <= i.mtimeNs || i.atimeNs <= i.ctimeNs) i.atimeNs = this.now();
    return data.slice(offset, end);
  }

  write(ino: Ino, offset: number, data: Uint8Array, cred?: Cred): number {
    const i = this.get(ino);
    if (i.type === 'dir') throw new FsError('EISDIR', `inode ${ino}`);
    if (i.type !== 'file') throw new FsError('EINVAL', `inode ${ino}`);
    if (offset < 0) throw new FsError('EINVAL', `inode ${ino}`);
    if (i.synthPath !== undefined) {
      const provider = i.domain.synthetic!;
      if (!provider.write) throw new FsError('EACCES', `inode ${ino}`);
      provider.write(i.synthPath, data);
      return data.length;
    }
    if (data.length === 0) return 0;
    const end = offset + data.length;
    const buf = this.writable(i, Math.max(end, i.size));
    buf.set(data, offset);
    if (end > i.size) {
      i.domain.resized(end - i.size);
      i.size = end;
    }
    const now = this.now();
    i.mtimeNs = now;
    i.ctimeNs = now;
    i.domain.markDirty(i, DIRTY_DATA);
    if (cred) this.dropPrivileges(i, cred, false);
    return data.length;
  }

  readdir(cred: Cred, ino: Ino, cookie = 0): DirEntry[] {
    const d = this.get(ino);
    if (d.type !== 'dir') throw new FsError('ENOTDIR', `inode ${ino}`);
    if (!permits(cred, d, R)) throw this.fail('EACCES', ino);
    let list: DirEntry[];
    if (d.synthPath !== undefined) {
      list = [];
      let n = 0;
      for (const name of d.domain.synthetic!.list(d.synthPath, cred)) {
        n++;
        const c = d.domain.synthChild(d, name, cred);
        if (c) list.push({ name, ino: this.number(c), type: c.type, next: n });
      }
    } else {
      list = d.listing ?? this.listing(d);
    }
    if (cookie <= 0) return list.slice();
    // Entries are ordered by `next`: find the first one after the cookie.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.next! <= cookie) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(lo);
  }

  private listing(d: Inode): DirEntry[] {
    const out: DirEntry[] = [];
    if (d.dead) return out;
    for (const [name, e] of d.domain.entries(d)) {
      const c = d.domain.inodeOf(d, name, e);
      out.push({ name, ino: this.number(c), type: c.type, next: e.seq });
    }
    d.listing = out;
    return out;
  }

  mkdir(cred: Cred, dir: Ino, path: string, mode: number): Ino {
    const last = this.parentOf(cred, this.get(dir), path, { n: 0 }, path);
    if (last.kind !== 'name' || this.peek(cred, last, path)) throw new FsError('EEXIST', path);
    if (this.readOnly(last.dir)) throw new FsError('EROFS', path);
    this.mayCreate(cred, last.dir, path);
    const d = this.make(cred, last.dir, 'dir', mode);
    last.dir.domain.bind(last.dir, last.name, d, d.ctimeNs);
    return this.number(d);
  }

  mknod(cred: Cred, dir: Ino, path: string, type: FileType, mode: number, rdev?: { major: number; minor: number }): Ino {
    if (type === 'dir' || type === 'symlink') throw new FsError('EINVAL', path);
    const last = this.create(cred, dir, path);
    if ((type === 'char' || type === 'block') && cred.uid !== 0) throw new FsError('EPERM', path);
    const n = this.make(cred, last.dir, type, mode);
    if (rdev) {
      n.major = rdev.major;
      n.minor = rdev.minor;
    }
    last.dir.domain.bind(last.dir, last.name, n, n.ctimeNs);
    return this.number(n);
  }

  /** The checks every call that makes a non-directory name runs (filename_create, may_create). */
  private create(cred: Cred, dir: Ino, path: string): Last {
    const last = this.parentOf(cred, this.get(dir), path, { n: 0 }, path);
    if (last.kind !== 'name' || this.peek(cred, last, path)) throw new FsError('EEXIST', path);
    if (last.slash) throw new FsError('ENOENT', path);
    if (this.readOnly(last.dir)) throw new FsError('EROFS', path);
    this.mayCreate(cred, last.dir, path);
    return last;
  }

  symlink(cred: Cred, target: string, dir: Ino, path: string): Ino {
    if (target === '') throw new FsError('ENOENT', path);
    const last = this.create(cred, dir, path);
    const s = this.make(cred, last.dir, 'symlink', 0o777);
    s.target = target;
    last.dir.domain.bind(last.dir, last.name, s, s.ctimeNs);
    return this.number(s);
  }

  readlink(cred: Cred, dir: Ino, path: string): string {
    const i = this.resolve(cred, this.get(dir), path, false, { n: 0 }, path);
    if (i.type !== 'symlink') throw new FsError('EINVAL', path);
    return i.target;
  }

  link(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string, follow: boolean): void {
    const old = this.resolve(cred, this.get(oldDir), oldPath, follow, { n: 0 }, oldPath);
    const last = this.parentOf(cred, this.get(newDir), newPath, { n: 0 }, newPath);
    if (last.kind !== 'name' || this.peek(cred, last, newPath)) throw new FsError('EEXIST', newPath);
    if (last.slash) throw new FsError('ENOENT', newPath);
    if (this.readOnly(last.dir)) throw new FsError('EROFS', newPath);
    if (old.domain !== last.dir.domain || old.synthPath !== undefined) throw new FsError('EXDEV', newPath);
    if (this.protectHardlinks && cred.uid !== 0 && cred.uid !== old.uid) {
      const safe = old.type === 'file' && !(old.mode & 0o4000) && (old.mode & 0o2010) !== 0o2010 && permits(cred, old, R | W);
      if (!safe) throw new FsError('EPERM', oldPath);
    }
    this.mayCreate(cred, last.dir, newPath);
    if (old.type === 'dir') throw new FsError('EPERM', oldPath);
    if (old.links.length === 0) throw new FsError('ENOENT', oldPath);
    const now = this.now();
    last.dir.domain.bind(last.dir, last.name, old, now);
    old.ctimeNs = now;
    old.domain.markDirty(old, DIRTY_META);
  }

  unlink(cred: Cred, dir: Ino, path: string): void {
    const last = this.parentOf(cred, this.get(dir), path, { n: 0 }, path);
    if (last.kind !== 'name') throw new FsError('EISDIR', path);
    if (this.readOnly(last.dir)) throw new FsError('EROFS', path);
    const victim = this.peek(cred, last, path);
    if (!victim) throw new FsError('ENOENT', path);
    if (last.slash) throw new FsError(victim.type === 'dir' ? 'EISDIR' : 'ENOTDIR', path);
    this.mayDelete(cred, last.dir, victim, false, path);
    last.dir.domain.unbind(last.dir, last.name, this.now());
  }

  rmdir(cred: Cred, dir: Ino, path: string): void {
    const last = this.parentOf(cred, this.get(dir), path, { n: 0 }, path);
    if (last.kind === '.') throw new FsError('EINVAL', path);
    if (last.kind === '..') throw new FsError('ENOTEMPTY', path);
    if (last.kind === '/') throw new FsError(EBUSY, path);
    if (this.readOnly(last.dir)) throw new FsError('EROFS', path);
    const victim = this.peek(cred, last, path);
    if (!victim) throw new FsError('ENOENT', path);
    this.mayDelete(cred, last.dir, victim, true, path);
    if (victim.domain.entries(victim).size > 0) throw new FsError('ENOTEMPTY', path);
    last.dir.domain.unbind(last.dir, last.name, this.now());
  }

  rename(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string): void {
    const po = this.parentOf(cred, this.get(oldDir), oldPath, { n: 0 }, oldPath);
    const pn = this.parentOf(cred, this.get(newDir), newPath, { n: 0 }, newPath);
    if (po.dir.domain !== pn.dir.domain) throw new FsError('EXDEV', newPath);
    if (po.kind !== 'name') throw new FsError(EBUSY, oldPath);
    if (pn.kind !== 'name') throw new FsError(EBUSY, newPath);
    if (this.readOnly(po.dir)) throw new FsError('EROFS', newPath);
    const old = this.peek(cred, po, oldPath);
    if (!old) throw new FsError('ENOENT', oldPath);
    if (old.type !== 'dir' && (po.slash || pn.slash)) throw new FsError('ENOTDIR', po.slash ? oldPath : newPath);
    // Moving a directory below itself.
    if (old.type === 'dir' && this.contains(old, pn.dir)) throw new FsError('EINVAL', newPath);
    const victim = this.peek(cred, pn, newPath);
    // Replacing a directory that holds the source.
    if (victim && victim.type === 'dir' && this.contains(victim, po.dir)) throw new FsError('ENOTEMPTY', newPath);
    if (old === victim) return;
    const isDir = old.type === 'dir';
    this.mayDelete(cred, po.dir, old, isDir, oldPath);
    if (!victim) this.mayCreate(cred, pn.dir, newPath);
    else this.mayDelete(cred, pn.dir, victim, isDir, newPath);
    // A directory changing parent has its '..' rewritten: it must be writable.
    if (isDir && po.dir !== pn.dir && !permits(cred, old, W)) throw new FsError('EACCES', oldPath);
    if (this.busy(old) || (victim && this.busy(victim))) throw new FsError(EBUSY, oldPath);
    if (victim?.type === 'dir' && victim.domain.entries(victim).size > 0) throw new FsError('ENOTEMPTY', newPath);
    po.dir.domain.move(po.dir, po.name, pn.dir, pn.name, this.now());
  }

  setattr(cred: Cred, ino: Ino, attr: SetAttr): void {
    const i = this.get(ino);
    const times = attr.atimeNs !== undefined || attr.mtimeNs !== undefined;
    const chown = attr.uid !== undefined || attr.gid !== undefined;
    const uid = attr.uid === -1 ? undefined : attr.uid;
    const gid = attr.gid === -1 ? undefined : attr.gid;
    const owns = cred.uid === 0 || cred.uid === i.uid;
    if (attr.size !== undefined) {
      if (i.type === 'dir') throw this.fail('EISDIR', ino);
      if (i.type !== 'file' || attr.size < 0 || !Number.isSafeInteger(attr.size)) throw this.fail('EINVAL', ino);
    }
    if (attr.mode === undefined && !chown && attr.size === undefined && !times) return;
    if (this.readOnly(i)) throw this.fail('EROFS', ino);
    if (i.synthPath !== undefined) throw this.fail('EPERM', ino);
    if (attr.size !== undefined && !permits(cred, i, W)) throw this.fail('EACCES', ino);
    if (attr.mode !== undefined && !owns) throw this.fail('EPERM', ino);
    if (cred.uid !== 0) {
      if (uid !== undefined && (uid !== i.uid || cred.uid !== i.uid)) throw this.fail('EPERM', ino);
      if (gid !== undefined && (cred.uid !== i.uid || (gid !== i.gid && !inGroup(cred, gid)))) {
        throw this.fail('EPERM', ino);
      }
    }
    if (times) {
      // Both "now" is a touch: the owner or anyone who may write. Anything else sets
      // chosen times: the owner only.
      if (attr.atimeNs === 'now' && attr.mtimeNs === 'now') {
        if (!owns && !permits(cred, i, W)) throw this.fail('EACCES', ino);
      } else if (!owns) throw this.fail('EPERM', ino);
    }

    const now = this.now();
    let flags = 0;
    if (attr.size !== undefined) {
      this.resize(i, attr.size);
      this.dropPrivileges(i, cred, false);
    }
    if (attr.mode !== undefined) {
      let m = attr.mode & 0o7777;
      if (cred.uid !== 0 && !inGroup(cred, i.gid)) m &= ~0o2000;
      i.mode = m;
      flags |= DIRTY_META;
    }
    if (chown) {
      if (i.type !== 'dir') this.dropPrivileges(i, cred, true);
      if (uid !== undefined) i.uid = uid;
      if (gid !== undefined) i.gid = gid;
      flags |= DIRTY_META;
    }
    if (attr.atimeNs !== undefined) i.atimeNs = attr.atimeNs === 'now' ? now : attr.atimeNs;
    if (attr.mtimeNs !== undefined) {
      i.mtimeNs = attr.mtimeNs === 'now' ? now : attr.mtimeNs;
      flags |= DIRTY_META;
    }
    i.ctimeNs = now;
    if (flags) i.domain.markDirty(i, flags);
  }

  access(cred: Cred, ino: Ino, want: number): boolean {
    const i = this.get(ino);
    if (want & W && this.readOnly(i) && (i.type === 'file' || i.type === 'dir' || i.type === 'symlink')) return false;
    return permits(cred, i, want & 7);
  }

  /** An error about an inode, named by its path when it has one (computed only on failure). */
  private fail(code: FsErrorCode, ino: Ino): FsError {
    const l = this.get(ino).links[0];
    const at = l && l.dir.type === 'dir' ? this.pathOf(this.number(l.dir)) : undefined;
    const path = this.pathOf(ino) ?? (at !== undefined && l ? `${at === '/' ? '' : at}/${l.name}` : undefined);
    return new FsError(code, path ?? `inode ${ino}`);
  }

  statfs(ino: Ino): StatFs {
    return this.get(ino).domain.statfs();
  }

  pathOf(ino: Ino): string | undefined {
    let cur = this.get(ino);
    if (cur.type !== 'dir') return undefined;
    const parts: string[] = [];
    while (cur !== this.root) {
      const m = this.mountOf.get(cur);
      if (m) {
        cur = m.point;
        continue;
      }
      const l = cur.links[0];
      if (!l || cur.dead) return undefined;
      parts.push(l.name);
      cur = l.dir;
    }
    return '/' + parts.reverse().join('/');
  }

  // ---- File contents ----

  /** The file's bytes (capacity may exceed its size), loaded from the source on first use. */
  private loaded(i: Inode): Uint8Array {
    if (i.data) return i.data;
    if (i.size === 0 || !i.digest) {
      i.data = new Uint8Array(0);
      i.shared = false;
    } else {
      i.data = i.domain.source!.blob(i.digest);
      i.shared = true;
    }
    return i.data;
  }

  /** A private buffer of at least `need` bytes holding the file, zero past its size. */
  private writable(i: Inode, need: number): Uint8Array {
    const d = this.loaded(i);
    if (!i.shared && d.length >= need) return d;
    const cap = d.length >= need ? d.length : Math.max(need, Math.floor(d.length * 1.5), 64);
    const out = new Uint8Array(Math.max(cap, need));
    out.set(d.subarray(0, Math.min(i.size, d.length)));
    i.data = out;
    i.shared = false;
    return out;
  }

  private resize(i: Inode, size: number): void {
    if (size === 0) {
      i.data = new Uint8Array(0);
      i.shared = false;
    } else if (size < i.size) {
      const d = this.loaded(i);
      if (i.shared) {
        i.data = d.slice(0, size);
        i.shared = false;
      } else d.fill(0, size, i.size);
    } else if (size > i.size) this.writable(i, size);
    i.domain.resized(size - i.size);
    i.size = size;
    const now = this.now();
    i.mtimeNs = now;
    i.ctimeNs = now;
    i.domain.markDirty(i, DIRTY_DATA);
  }

  /**
   * Clear setuid and setgid as Linux does (setattr_should_drop_suidgid): on a change of
   * owner always, on writes and truncation of regular files unless the caller is root.
   * setgid goes when the file is group-executable, or the caller is not in its group.
   */
  private dropPrivileges(i: Inode, cred: Cred, chown: boolean): void {
    if (!chown && (cred.uid === 0 || i.type !== 'file')) return;
    let m = i.mode & ~0o4000;
    if (m & 0o2000 && (m & 0o010 || (cred.uid !== 0 && !inGroup(cred, i.gid)))) m &= ~0o2000;
    if (m !== i.mode) {
      i.mode = m;
      i.domain.markDirty(i, DIRTY_META);
    }
  }
}
