import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { TreeStore } from '../../../shared/tree/tree-store.ts';
import { MutableDir } from '../../../shared/tree/mutable.ts';
import type { DirNode, Meta, Node } from '../../../shared/tree/node.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { FsError } from '../../../shared/unionfs/fs-error.ts';
import { prefetch, Vfs, FsDomain, ROOT_INO, type Cred, type VfsOptions, type TreeSource } from '../../../shared/vfs/index.ts';

export const te = new TextEncoder();
export const td = new TextDecoder();

/** One node of a test tree; parents are made as needed (root-owned, 0755). */
export type Spec =
  | { path: string; type: 'dir'; mode?: number; uid?: number; gid?: number; mtime?: number }
  | { path: string; type: 'file'; text?: string; mode?: number; uid?: number; gid?: number; mtime?: number; link?: string }
  | { path: string; type: 'symlink'; target: string; uid?: number; gid?: number }
  | { path: string; type: 'fifo' | 'char'; mode?: number; major?: number; minor?: number };

export const ROOT: Cred = { uid: 0, gid: 0 };
export const USER: Cred = { uid: 1000, gid: 1000 };
export const OTHER: Cred = { uid: 1001, gid: 1001 };

/** A stored tree made from specs, in a fresh memory store. */
export async function storedTree(specs: Spec[], rootMeta: Meta = { mode: 0o755, uid: 0, gid: 0, mtime: 1 }) {
  const store = new MemoryStore();
  const trees = new TreeStore(store.blobs);
  const fs = new UnionFs(trees, undefined, new MutableDir(rootMeta));
  for (const s of specs) {
    const meta = { mode: 'mode' in s && s.mode !== undefined ? s.mode : s.type === 'dir' ? 0o755 : s.type === 'symlink' ? 0o777 : 0o644, uid: 'uid' in s ? (s.uid ?? 0) : 0, gid: 'gid' in s ? (s.gid ?? 0) : 0, mtime: 'mtime' in s ? (s.mtime ?? 1) : 1 };
    const parent = s.path.split('/').slice(0, -1).join('/') || '/';
    if (parent !== '/') await fs.mkdir(parent, { mode: 0o755, uid: 0, gid: 0, mtime: 1 }, { parents: true });
    if (s.type === 'dir') {
      const existing = await fs.lstat(s.path);
      if (existing) await fs.setMeta(s.path, meta);
      else await fs.mkdir(s.path, meta);
    } else if (s.type === 'file') {
      const bytes = te.encode(s.text ?? '');
      const node: Node = { type: 'file', ...meta, size: bytes.length, digest: await store.blobs.put(bytes), ...(s.link ? { link: s.link } : {}) };
      await fs.writeNode(s.path, node);
    } else if (s.type === 'symlink') {
      await fs.writeNode(s.path, { type: 'symlink', ...meta, mode: 0o777, target: s.target });
    } else if (s.type === 'fifo') {
      await fs.writeNode(s.path, { type: 'fifo', ...meta });
    } else {
      await fs.writeNode(s.path, { type: 'char', ...meta, major: s.major ?? 1, minor: s.minor ?? 3 });
    }
  }
  const root = await fs.upper.persist(trees);
  return { store, trees, root };
}

/** A source that counts what is asked of it. */
export function counting(src: TreeSource) {
  const counts = { dirs: 0, blobs: 0 };
  const source: TreeSource = {
    dir: (t) => (counts.dirs++, src.dir(t)),
    blob: (d) => (counts.blobs++, src.blob(d)),
  };
  return { source, counts };
}

export async function vfsOf(specs: Spec[], opts: VfsOptions & { rootMeta?: Meta } = {}) {
  const t = await storedTree(specs, opts.rootMeta);
  const pre = await prefetch(t.trees, t.root, { budget: 1 << 20 });
  const { source, counts } = counting(pre.source);
  const domain = FsDomain.fromTree(t.root, source, { links: pre.links, usage: pre.usage });
  let clock = 1_000_000_000_000n;
  const vfs = new Vfs(domain, { now: () => (clock += 1000n), protectedSymlinks: true, ...opts });
  return { ...t, vfs, domain, counts, pre };
}

export function errno(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FsError) return e.code;
    throw e;
  }
  return 'OK';
}

/** Small path-based helpers over the FsApi, as a process would use it. */
export function ops(vfs: Vfs) {
  return {
    read(path: string, cred: Cred = ROOT): string {
      const ino = vfs.open(cred, ROOT_INO, path, { read: true }, 0);
      try {
        return td.decode(vfs.read(ino, 0, 1 << 30));
      } finally {
        vfs.close(ino);
      }
    },
    write(path: string, text: string, cred: Cred = ROOT, mode = 0o644): void {
      const ino = vfs.open(cred, ROOT_INO, path, { write: true, create: true, truncate: true }, mode);
      vfs.write(ino, 0, te.encode(text));
      vfs.close(ino);
    },
    stat(path: string, follow = false) {
      return vfs.stat(vfs.lookup(ROOT, ROOT_INO, path, follow));
    },
    ls(path: string, cred: Cred = ROOT): string[] {
      return vfs.readdir(cred, vfs.lookup(ROOT, ROOT_INO, path, true)).map((e) => e.name);
    },
  };
}

export type { DirNode };

/** Everything a process could observe in a working set, by path (mounts included), for comparisons. */
export function snapshot(vfs: Vfs, opts: { times?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const firstName = new Map<number, string>();
  const walk = (dir: number, prefix: string) => {
    for (const e of vfs.readdir(ROOT, dir)) {
      const path = `${prefix}/${e.name}`;
      const ino = vfs.lookup(ROOT, dir, e.name, false);
      const s = vfs.stat(ino);
      const rec: Record<string, unknown> = { type: s.type, mode: s.mode.toString(8), uid: s.uid, gid: s.gid };
      if (opts.times) rec.mtime = s.mtimeNs;
      if (s.type === 'file') {
        rec.size = s.size;
        rec.nlink = s.nlink;
        const fd = vfs.open(ROOT, dir, e.name, { read: true }, 0);
        rec.text = td.decode(vfs.read(fd, 0, s.size + 1));
        vfs.close(fd);
        if (s.nlink > 1) {
          if (!firstName.has(s.ino)) firstName.set(s.ino, path);
          rec.sameAs = firstName.get(s.ino);
        }
      } else if (s.type === 'symlink') rec.target = vfs.readlink(ROOT, dir, e.name);
      else if (s.type === 'char' || s.type === 'block') rec.rdev = s.rdev;
      else if (s.type === 'dir') rec.nlink = s.nlink;
      out[path] = rec;
      if (s.type === 'dir') walk(ino, path);
    }
  };
  const r = vfs.stat(ROOT_INO);
  out['/'] = { type: 'dir', mode: r.mode.toString(8), uid: r.uid, gid: r.gid, ...(opts.times ? { mtime: r.mtimeNs } : {}) };
  walk(ROOT_INO, '');
  return out;
}

/** A fresh working set over a stored tree, everything prefetched. */
export async function vfsOver(trees: TreeStore, root: DirNode): Promise<Vfs> {
  const pre = await prefetch(trees, root, { budget: 1 << 30 });
  return new Vfs(FsDomain.fromTree(root, pre.source, { links: pre.links, usage: pre.usage }));
}
