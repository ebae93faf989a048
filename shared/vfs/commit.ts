import type { Digest } from '../digest/digest.ts';
import { sha256 } from '../digest/hasher.ts';
import { compareNames } from '../tree/directory.ts';
import { MutableDir, type MutableEntry } from '../tree/mutable.ts';
import { hasMeta, type DirNode, type FileNode, type Meta, type MetaNode } from '../tree/node.ts';
import { splitPath } from '../tree/path.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import type { Change } from '../unionfs/change.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';
import type { FsDomain } from './domain.ts';
import { DIRTY_DATA, DIRTY_META, Inode, typeOf, type Entry, type StoredNode } from './inode.ts';

type LeafNode = Exclude<MetaNode, DirNode>;

/** One step of writing a domain's changes back; paths are absolute inside the domain. */
export type CommitOp =
  | { op: 'remove'; path: string }
  | { op: 'mkdir'; path: string; meta: Meta }
  | { op: 'meta'; path: string; meta: Meta }
  | { op: 'node'; path: string; node: LeafNode }
  /** An unchanged stored node (a whole subtree for a directory) at a new place. */
  | { op: 'stored'; path: string; node: StoredNode }
  /** Every stored child of a directory whose listing was never loaded. */
  | { op: 'children'; path: string; tree: Digest }
  /** One file under several names (a hard-link group): every name it has now. */
  | { op: 'group'; paths: string[]; node: FileNode };

interface Undo {
  dirs: Array<[Inode, Map<string, Entry | null>]>;
  flags: Array<[Inode, number]>;
}

/**
 * The changes of a domain since its base, taken at one moment: what to write (ops, in
 * order), the new file contents, and Docker-style A/C/D lines. Applying it writes into
 * a union filesystem (a container's upper layer, with whiteouts and hardlink entries) or
 * into a plain stored tree (a volume).
 */
export class CommitPlan {
  constructor(
    private readonly domain: FsDomain,
    readonly ops: readonly CommitOp[],
    /** New file contents by digest. */
    readonly blobs: ReadonlyMap<Digest, Uint8Array>,
    readonly changes: readonly Change[],
    private readonly undo: Undo,
  ) {}

  get empty(): boolean {
    return this.ops.length === 0;
  }

  /** Write onto a union filesystem whose merged view is the domain's base. */
  async applyTo(fs: UnionFs): Promise<void> {
    for (const [d, bytes] of this.blobs) await fs.trees.blobs.put(bytes, d);
    const trees = fs.trees;
    const stored = async (path: string, node: StoredNode): Promise<void> => {
      if (node.type === 'dir') {
        await fs.mkdir(path, metaOf(node));
        await children(path, node.tree);
      } else await fs.writeNode(path, withoutLink(node));
    };
    const children = async (path: string, tree: Digest): Promise<void> => {
      for (const [name, n] of (await trees.dir(tree)).entries) if (hasMeta(n)) await stored(`${path}/${name}`, n);
    };
    for (const op of this.ops) {
      switch (op.op) {
        case 'remove':
          await fs.remove(op.path, { recursive: true });
          break;
        case 'mkdir':
          await fs.mkdir(op.path, op.meta);
          break;
        case 'meta':
          await fs.setMeta(op.path || '/', op.meta, false);
          break;
        case 'node':
          await fs.writeNode(op.path, op.node);
          break;
        case 'stored':
          await stored(op.path, op.node);
          break;
        case 'children':
          await children(op.path, op.tree);
          break;
        case 'group': {
          const [first, ...rest] = op.paths as [string, ...string[]];
          await fs.writeNode(first, op.node);
          for (const p of rest) await fs.writeHardlink(p, first);
          break;
        }
      }
    }
  }

  /**
   * Write onto the stored tree `base` (the domain's base; a new empty tree with
   * `rootMeta` when absent) and return the new root. Hard-link groups are files
   * sharing a `link` id, as in merged trees. Unchanged subtrees are kept by digest.
   */
  async applyToTree(trees: TreeStore, base: DirNode | undefined, rootMeta: Meta): Promise<DirNode> {
    for (const [d, bytes] of this.blobs) await trees.blobs.put(bytes, d);
    const root = base ? MutableDir.fromNode(base) : new MutableDir(rootMeta);
    /** The directory at `parts` and every directory above it (to mark them changed). */
    const walk = async (parts: string[]): Promise<MutableDir[]> => {
      const chain = [root];
      for (const name of parts) {
        const next = await chain[chain.length - 1]!.get(trees, name);
        if (!(next instanceof MutableDir)) throw new Error(`commit: /${parts.join('/')} is not a directory in the base tree`);
        chain.push(next);
      }
      return chain;
    };
    const put = async (path: string, entry: MutableEntry | undefined): Promise<void> => {
      const parts = splitPath(path);
      const name = parts.pop()!;
      const chain = await walk(parts);
      const dir = chain[chain.length - 1]!;
      if (entry) await dir.set(trees, name, entry);
      else await dir.delete(trees, name);
      for (const d of chain) d.touch();
    };
    for (const op of this.ops) {
      switch (op.op) {
        case 'remove':
          await put(op.path, undefined);
          break;
        case 'mkdir':
          await put(op.path, new MutableDir(op.meta));
          break;
        case 'meta': {
          const chain = await walk(splitPath(op.path));
          chain[chain.length - 1]!.setMeta(op.meta);
          for (const d of chain) d.touch();
          break;
        }
        case 'node':
          await put(op.path, op.node);
          break;
        case 'stored':
          await put(op.path, op.node.type === 'dir' ? MutableDir.fromNode(op.node) : op.node);
          break;
        case 'children': {
          const chain = await walk(splitPath(op.path));
          const dir = chain[chain.length - 1]!;
          for (const [name, n] of (await trees.dir(op.tree)).entries) {
            if (hasMeta(n)) await dir.set(trees, name, n.type === 'dir' ? MutableDir.fromNode(n) : n);
          }
          for (const d of chain) d.touch();
          break;
        }
        case 'group': {
          const node: FileNode = { ...op.node, link: `${op.node.digest.slice(7, 23)}:${op.paths[0]}` };
          for (const p of op.paths) await put(p, node);
          break;
        }
      }
    }
    return root.persist(trees);
  }

  /** The plan was not applied: its changes become pending again (with whatever happened since). */
  abort(): void {
    for (const [dir, pend] of this.undo.dirs) {
      if (!dir.pending) dir.pending = new Map(pend);
      // The older binding is what the target still has.
      else for (const [name, e] of pend) dir.pending.set(name, e);
    }
    for (const [dir, pend] of this.undo.dirs) {
      const up = dir.links[0];
      if (up && pend.size > 0) this.domain.note(up.dir, up.name);
    }
    for (const [ino, flags] of this.undo.flags) this.domain.markDirty(ino, flags);
  }
}

function metaOf(n: Meta): Meta {
  const m: Meta = { mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime };
  if (n.xattrs) m.xattrs = n.xattrs;
  return m;
}

function withoutLink(n: LeafNode): LeafNode {
  if (n.type !== 'file' || n.link === undefined) return n;
  const { link: _, ...rest } = n;
  return rest;
}

/** A binding's target, ghosts counting as nothing. */
function real(e: Entry | null | undefined): Inode | StoredNode | undefined {
  if (!e) return undefined;
  const n = e.node;
  return n instanceof Inode && n.ghost ? undefined : n;
}

/**
 * Walk what is pending in a domain (never more) and turn it into a plan. With `dry`
 * nothing in the domain changes (for `changes()`); otherwise the domain's base moves to
 * its current state.
 */
export function planCommit(domain: FsDomain, dry: boolean): CommitPlan {
  const ops: CommitOp[] = [];
  const changes: Change[] = [];
  const seen = new Set<string>();
  const blobs = new Map<Digest, Uint8Array>();
  const groups = new Set<Inode>();
  const undo: Undo = { dirs: [], flags: [] };

  const change = (kind: Change['kind'], path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    changes.push({ kind, path });
  };
  const clearFlags = (ino: Inode) => {
    if (dry || ino.flags === 0) return;
    undo.flags.push([ino, ino.flags]);
    ino.flags = 0;
  };
  const takePending = (dir: Inode): Map<string, Entry | null> | undefined => {
    const p = dir.pending;
    if (!dry && p) {
      undo.dirs.push([dir, p]);
      dir.pending = undefined;
    }
    return p;
  };
  const contentOf = (f: Inode): Digest => {
    if (!(f.flags & DIRTY_DATA) && f.digest) return f.digest;
    if (dry) return f.digest ?? ('' as Digest);
    const bytes = f.data ? f.data.subarray(0, f.size) : new Uint8Array(0);
    // The plan keeps these bytes: the next write to the file copies them first.
    f.shared = true;
    const d = sha256(bytes);
    blobs.set(d, bytes);
    f.digest = d;
    return d;
  };
  const nodeOf = (n: Inode): LeafNode => {
    const meta = n.meta();
    switch (n.type) {
      case 'file':
        return { type: 'file', ...meta, size: n.size, digest: contentOf(n) };
      case 'symlink':
        return { type: 'symlink', ...meta, target: n.target };
      case 'char':
      case 'block':
        return { type: n.type, ...meta, major: n.major, minor: n.minor };
      case 'fifo':
        return { type: 'fifo', ...meta };
      default:
        throw new Error(`commit: ${n.type} is not a leaf`);
    }
  };
  const leaf = (n: Inode, path: string) => {
    if (n.type === 'file' && n.links.length > 1) {
      groups.add(n);
      return;
    }
    ops.push({ op: 'node', path, node: nodeOf(n) });
    clearFlags(n);
  };
  /** Write `n` at `path` as something new there (everything below it too). */
  const fresh = (n: Inode | StoredNode, path: string) => {
    if (!(n instanceof Inode)) {
      ops.push({ op: 'stored', path, node: n });
      return;
    }
    if (n.type !== 'dir') {
      leaf(n, path);
      return;
    }
    ops.push({ op: 'mkdir', path, meta: n.meta() });
    clearFlags(n);
    takePending(n);
    if (n.entries) {
      for (const [name, e] of [...n.entries].sort((a, b) => compareNames(a[0], b[0]))) {
        const c = real(e);
        if (!c) continue;
        change('A', `${path}/${name}`);
        fresh(c, `${path}/${name}`);
      }
    } else if (n.tree) ops.push({ op: 'children', path, tree: n.tree });
  };
  const walk = (dir: Inode, path: string) => {
    const pend = takePending(dir);
    if (!pend) return;
    const m = dir.entries!;
    for (const name of [...pend.keys()].sort(compareNames)) {
      const p = `${path}/${name}`;
      const b = real(pend.get(name));
      const c = real(m.get(name));
      if (b === c) {
        if (!(c instanceof Inode)) continue;
        if (c.type === 'dir') {
          const below = (c.pending?.size ?? 0) > 0;
          if (!below && !c.flags) {
            takePending(c);
            continue;
          }
          change('C', p);
          if (below) walk(c, p);
          else takePending(c);
          if (c.flags & DIRTY_META) ops.push({ op: 'meta', path: p, meta: c.meta() });
          clearFlags(c);
        } else if (c.flags) {
          change('C', p);
          leaf(c, p);
        }
        continue;
      }
      if (c === undefined) {
        ops.push({ op: 'remove', path: p });
        change('D', p);
        continue;
      }
      if (b !== undefined) {
        // A directory cannot be overwritten in place: remove first (a whiteout, and the new
        // directory is opaque over the old one).
        if (typeOf(b) === 'dir' || typeOf(c) === 'dir') ops.push({ op: 'remove', path: p });
        change('C', p);
      } else change('A', p);
      fresh(c, p);
    }
  };

  const root = domain.root;
  if ((root.pending?.size ?? 0) > 0) walk(root, '');
  else takePending(root);
  if (root.flags & DIRTY_META) ops.push({ op: 'meta', path: '', meta: root.meta() });
  clearFlags(root);
  for (const g of groups) {
    const paths: string[] = [];
    for (const l of g.links) {
      const dp = domain.pathIn(l.dir);
      if (dp !== undefined) paths.push(`${dp}/${l.name}`);
    }
    paths.sort(compareNames);
    for (const p of paths) change('C', p);
    ops.push({ op: 'group', paths, node: nodeOf(g) as FileNode });
    clearFlags(g);
  }
  changes.sort((a, b) => compareNames(a.path, b.path));
  return new CommitPlan(domain, ops, blobs, changes, undo);
}

