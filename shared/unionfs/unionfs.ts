import type { DirNode, Meta, MetaNode, Node } from '../tree/node.ts';
import { MutableDir, EMPTY_META, type MutableEntry } from '../tree/mutable.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { compareNames } from '../tree/directory.ts';
import { splitPath } from '../tree/path.ts';
import { FsError } from './fs-error.ts';
import type { Change } from './change.ts';

/** What a merged lookup found at one path: the node, plus where it lives. */
interface Found {
  node: MetaNode;
  /** The upper directory when the node is a directory present in the upper layer. */
  up?: MutableDir;
  /** The lower directory node when the node is a directory visible in the lower layers. */
  low?: DirNode;
}

const MAX_SYMLINKS = 40;

function metaOf(n: Meta | MutableDir): Meta {
  const m = n instanceof MutableDir ? n.meta : n;
  const out: Meta = { mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime };
  if (m.xattrs) out.xattrs = m.xattrs;
  return out;
}

/**
 * The union view of a read-only lower tree (an image's merged layers) and a writable
 * upper diff tree (a container's layer, or a layer being built), with overlayfs
 * semantics: lookups see the upper layer first; writes copy parent directories up;
 * deletions of lower entries become whiteouts; a directory re-created over a deleted
 * one is opaque. Paths are absolute container paths; nothing can escape the root.
 */
export class UnionFs {
  constructor(
    readonly trees: TreeStore,
    readonly lower: DirNode | undefined,
    readonly upper: MutableDir,
  ) {}

  private rootFound(): Found {
    const meta = this.upper.implicit ? (this.lower ?? EMPTY_META) : this.upper;
    return { node: this.dirNodeOf(metaOf(meta)), up: this.upper, ...(this.lower && !this.upper.opaque ? { low: this.lower } : {}) };
  }

  /**
   * Merged directories have no single tree digest (`tree` is empty): callers list
   * children with `readdir`.
   */
  private dirNodeOf(meta: Meta): DirNode {
    return { type: 'dir', ...meta, tree: '' as DirNode['tree'] };
  }

  /** Merged lookup of one name inside a found directory. */
  private async child(parent: Found, name: string): Promise<Found | undefined> {
    const ue = parent.up ? await parent.up.get(this.trees, name) : undefined;
    const le = parent.low ? (await this.trees.dir(parent.low.tree)).get(name) : undefined;
    if (ue) {
      if (ue.type === 'whiteout') return undefined;
      if (ue instanceof MutableDir) {
        const low = le?.type === 'dir' && !ue.opaque ? le : undefined;
        const meta = ue.implicit ? metaOf(le && le.type !== 'whiteout' && le.type !== 'hardlink' ? le : EMPTY_META) : metaOf(ue);
        return { node: this.dirNodeOf(meta), up: ue, ...(low ? { low } : {}) };
      }
      if (ue.type === 'hardlink') return this.find('/' + ue.target);
      return { node: ue };
    }
    if (!le || le.type === 'whiteout') return undefined;
    if (le.type === 'hardlink') return this.find('/' + le.target);
    if (le.type === 'dir') return { node: this.dirNodeOf(metaOf(le)), low: le };
    return { node: le };
  }

  /** Lexical lookup without following any symlink. */
  private async find(path: string): Promise<Found | undefined> {
    let cur = this.rootFound();
    for (const name of splitPath(path)) {
      if (cur.node.type !== 'dir') return undefined;
      const next = await this.child(cur, name);
      if (!next) return undefined;
      cur = next;
    }
    return cur;
  }

  /**
   * Resolve symlinks in `path` inside the container root, as the kernel would with the
   * root as `/`: absolute targets restart at the root and `..` never climbs above it.
   * With `followLast` false the final component is not followed (lstat semantics).
   * The path need not exist beyond its last existing component.
   */
  async resolve(path: string, followLast = true): Promise<string> {
    const pending = splitRaw(path);
    const done: string[] = [];
    let hops = 0;
    while (pending.length) {
      const name = pending.shift()!;
      if (name === '..') {
        done.pop();
        continue;
      }
      const here = await this.find('/' + [...done, name].join('/'));
      if (here?.node.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINKS) throw new FsError('ELOOP', path);
        const target = here.node.target;
        if (target.startsWith('/')) done.length = 0;
        pending.unshift(...splitRaw(target));
        continue;
      }
      done.push(name);
      if (!here && pending.length) {
        // The rest cannot exist; keep it lexical.
        for (const p of pending) if (p === '..') done.pop(); else done.push(p);
        break;
      }
    }
    return '/' + done.join('/');
  }

  /** The merged node at `path` without following a final symlink. */
  async lstat(path: string): Promise<MetaNode | undefined> {
    const f = await this.find(await this.resolve(path, false));
    return f?.node;
  }

  /** The merged node at `path`, following symlinks. */
  async stat(path: string): Promise<MetaNode | undefined> {
    const f = await this.find(await this.resolve(path, true));
    return f?.node;
  }

  /** Merged children of a directory, sorted by name. */
  async readdir(path: string): Promise<Array<[string, MetaNode]>> {
    const real = await this.resolve(path, true);
    const f = await this.find(real);
    if (!f) throw new FsError('ENOENT', path);
    if (f.node.type !== 'dir') throw new FsError('ENOTDIR', path);
    const names = new Set<string>();
    if (f.up) for (const [n] of await f.up.entries(this.trees)) names.add(n);
    if (f.low) for (const [n] of (await this.trees.dir(f.low.tree)).entries) names.add(n);
    const out: Array<[string, MetaNode]> = [];
    for (const name of [...names].sort(compareNames)) {
      const c = await this.child(f, name);
      if (c) out.push([name, c.node]);
    }
    return out;
  }

  /** File contents (following symlinks). */
  async readFile(path: string): Promise<Uint8Array> {
    const n = await this.stat(path);
    if (!n) throw new FsError('ENOENT', path);
    if (n.type === 'dir') throw new FsError('EISDIR', path);
    if (n.type !== 'file') throw new FsError('EINVAL', path);
    return this.trees.blobs.get(n.digest);
  }

  /**
   * The upper directory for an absolute, already resolved directory path, copying each
   * directory up from the lower layers as needed and marking the chain changed.
   * With `create`, missing directories are made with `meta`.
   */
  private async upperDir(path: string, create?: Meta): Promise<MutableDir> {
    let found = this.rootFound();
    let up = this.upper;
    const chain: MutableDir[] = [up];
    for (const name of splitPath(path)) {
      const next = await this.child(found, name);
      let nextUp = await up.get(this.trees, name);
      if (!next) {
        if (!create) throw new FsError('ENOENT', path);
        // Re-creating over a whiteout of a lower directory hides what was below.
        const wasWhiteout = nextUp?.type === 'whiteout';
        nextUp = new MutableDir(create, { opaque: wasWhiteout });
        await up.set(this.trees, name, nextUp);
        found = { node: this.dirNodeOf(create), up: nextUp };
      } else {
        if (next.node.type !== 'dir') throw new FsError('ENOTDIR', path);
        if (!(nextUp instanceof MutableDir)) {
          nextUp = new MutableDir(metaOf(next.node));
          await up.set(this.trees, name, nextUp);
        }
        found = { ...next, up: nextUp };
      }
      up = nextUp as MutableDir;
      chain.push(up);
    }
    for (const d of chain) d.touch();
    return up;
  }

  /** Whether the lower layers (below the upper) have something at this resolved path. */
  private async inLower(path: string): Promise<boolean> {
    if (!this.lower) return false;
    // Walk the lower tree alone, honouring opaque upper directories along the way.
    let low: Node | undefined = this.lower;
    let up: MutableEntry | undefined = this.upper;
    for (const name of splitPath(path)) {
      if (up instanceof MutableDir && up.opaque) return false;
      if (!low || low.type !== 'dir') return false;
      low = (await this.trees.dir(low.tree)).get(name);
      up = up instanceof MutableDir ? await up.get(this.trees, name) : undefined;
    }
    return low !== undefined && low.type !== 'whiteout';
  }

  /**
   * Put a leaf node (file, symlink, device, fifo) at `path`, replacing what is there
   * unless it is a directory. The parent must exist (symlinks in it are followed).
   */
  async writeNode(path: string, node: Exclude<MetaNode, DirNode>): Promise<void> {
    const real = await this.resolveParent(path);
    const existing = await this.find(real.full);
    if (existing?.node.type === 'dir') throw new FsError('EISDIR', path);
    const dir = await this.upperDir(real.parent);
    await dir.set(this.trees, real.name, node);
  }

  /**
   * Make `path` another name of the file at `target` (a hard link), recorded in the
   * upper layer as a link so the layer's tar carries it as one.
   */
  async writeHardlink(path: string, target: string): Promise<void> {
    const t = await this.lstat(target);
    if (!t || t.type === 'dir') throw new FsError(t ? 'EPERM' : 'ENOENT', target);
    const real = await this.resolveParent(path);
    const existing = await this.find(real.full);
    if (existing?.node.type === 'dir') throw new FsError('EISDIR', path);
    const dir = await this.upperDir(real.parent);
    await dir.set(this.trees, real.name, { type: 'hardlink', target: splitPath(await this.resolve(target, false)).join('/') });
  }

  /** Make a directory; with `parents`, make missing parents too (mkdir -p). */
  async mkdir(path: string, meta: Meta, opts: { parents?: boolean; exist_ok?: boolean } = {}): Promise<void> {
    const real = await this.resolve(path, true);
    const existing = await this.find(real);
    if (existing) {
      if (existing.node.type === 'dir' && (opts.exist_ok || opts.parents)) return;
      throw new FsError('EEXIST', path);
    }
    if (opts.parents) {
      await this.upperDir(real, meta);
      return;
    }
    const p = await this.resolveParent(path);
    await this.upperDir(p.full, meta);
  }

  /** Set a node's metadata (chmod/chown/utimes); copies the node up. */
  async setMeta(path: string, meta: Partial<Meta>, follow = true): Promise<void> {
    const real = await this.resolve(path, follow);
    const f = await this.find(real);
    if (!f) throw new FsError('ENOENT', path);
    const merged = { ...metaOf(f.node), ...meta };
    if (f.node.type === 'dir') {
      const d = await this.upperDir(real);
      d.implicit = false;
      d.setMeta(merged);
      return;
    }
    const parts = splitPath(real);
    const name = parts.pop()!;
    const dir = await this.upperDir('/' + parts.join('/'));
    await dir.set(this.trees, name, { ...f.node, ...merged } as MutableEntry);
  }

  /** Remove `path`; a directory needs `recursive` unless empty. Lower entries become whiteouts. */
  async remove(path: string, opts: { recursive?: boolean; missingOk?: boolean } = {}): Promise<void> {
    const p = await this.resolveParent(path);
    const f = await this.find(p.full);
    if (!f) {
      if (opts.missingOk) return;
      throw new FsError('ENOENT', path);
    }
    if (f.node.type === 'dir' && !opts.recursive && (await this.readdir(p.full)).length > 0) {
      throw new FsError('ENOTEMPTY', path);
    }
    const dir = await this.upperDir(p.parent);
    if (await this.inLower(p.full)) await dir.set(this.trees, p.name, { type: 'whiteout' });
    else await dir.delete(this.trees, p.name);
  }

  /** Split a path into its resolved parent directory and final name (not followed). */
  async resolveParent(path: string): Promise<{ parent: string; name: string; full: string }> {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new FsError('EINVAL', path);
    const parent = await this.resolve('/' + parts.join('/'), true);
    const pf = await this.find(parent);
    if (!pf) throw new FsError('ENOENT', path);
    if (pf.node.type !== 'dir') throw new FsError('ENOTDIR', path);
    return { parent, name, full: parent === '/' ? '/' + name : parent + '/' + name };
  }

  /**
   * What the upper layer changes, as Docker's `diff` reports it: every path added (A),
   * changed (C) or deleted (D), sorted by path. Costs O(size of the upper layer).
   */
  async changes(): Promise<Change[]> {
    const out: Change[] = [];
    const walk = async (up: MutableDir, low: DirNode | undefined, prefix: string): Promise<void> => {
      const lowDir = low && !up.opaque ? await this.trees.dir(low.tree) : undefined;
      const seen = new Set<string>();
      for (const [name, e] of await up.entries(this.trees)) {
        seen.add(name);
        const path = `${prefix}/${name}`;
        const le = lowDir?.get(name);
        const exists = le !== undefined && le.type !== 'whiteout';
        if (e.type === 'whiteout') {
          if (exists) out.push({ kind: 'D', path });
          continue;
        }
        out.push({ kind: exists ? 'C' : 'A', path });
        if (e instanceof MutableDir) await walk(e, le?.type === 'dir' ? le : undefined, path);
      }
      if (up.opaque && low) {
        for (const [name] of (await this.trees.dir(low.tree)).entries) {
          if (!seen.has(name)) out.push({ kind: 'D', path: `${prefix}/${name}` });
        }
      }
    };
    await walk(this.upper, this.lower, '');
    return out.sort((a, b) => compareNames(a.path, b.path));
  }
}

/** Split without resolving `..`, keeping it as a component for symlink resolution. */
function splitRaw(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}
