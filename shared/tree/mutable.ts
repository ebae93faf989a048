import type { DirNode, Meta, Node } from './node.ts';
import { compareNames } from './directory.ts';
import type { TreeStore } from './tree-store.ts';

/** A child of a mutable directory: another mutable directory or a stored leaf node. */
export type MutableEntry = MutableDir | Exclude<Node, DirNode>;

export const EMPTY_META: Meta = { mode: 0o755, uid: 0, gid: 0, mtime: 0 };

/**
 * An editable directory tree over stored Merkle directories. Children are loaded from
 * the store only when first touched, and `persist` writes back only directories that
 * changed, so editing one file deep in a huge tree costs O(depth), not O(tree).
 *
 * Used for a container's writable layer, a layer being built, and volumes.
 */
export class MutableDir {
  readonly type = 'dir' as const;
  meta: Meta;
  opaque: boolean;
  implicit: boolean;
  /** The stored version, valid while nothing below changed. */
  private stored: DirNode | undefined;
  private children: Map<string, MutableEntry> | undefined;

  constructor(meta: Meta = EMPTY_META, opts: { opaque?: boolean; implicit?: boolean; stored?: DirNode } = {}) {
    this.meta = { ...meta };
    this.opaque = opts.opaque ?? false;
    this.implicit = opts.implicit ?? false;
    this.stored = opts.stored;
    if (!opts.stored) this.children = new Map();
  }

  static fromNode(n: DirNode): MutableDir {
    const { mode, uid, gid, mtime, xattrs } = n;
    const meta: Meta = xattrs ? { mode, uid, gid, mtime, xattrs } : { mode, uid, gid, mtime };
    return new MutableDir(meta, { opaque: n.opaque === true, implicit: n.implicit === true, stored: n });
  }

  /** The stored node if this directory is unchanged since it was loaded or persisted. */
  get clean(): DirNode | undefined {
    return this.stored;
  }

  private async load(trees: TreeStore): Promise<Map<string, MutableEntry>> {
    if (this.children) return this.children;
    const dir = await trees.dir(this.stored!.tree);
    const m = new Map<string, MutableEntry>();
    for (const [name, node] of dir.entries) m.set(name, node.type === 'dir' ? MutableDir.fromNode(node) : node);
    this.children = m;
    return m;
  }

  async get(trees: TreeStore, name: string): Promise<MutableEntry | undefined> {
    return (await this.load(trees)).get(name);
  }

  async entries(trees: TreeStore): Promise<Array<[string, MutableEntry]>> {
    return [...(await this.load(trees))].sort((a, b) => compareNames(a[0], b[0]));
  }

  async set(trees: TreeStore, name: string, entry: MutableEntry): Promise<void> {
    (await this.load(trees)).set(name, entry);
    this.touch();
  }

  async delete(trees: TreeStore, name: string): Promise<boolean> {
    const had = (await this.load(trees)).delete(name);
    if (had) this.touch();
    return had;
  }

  async clear(trees: TreeStore): Promise<void> {
    await this.load(trees);
    this.children = new Map();
    this.touch();
  }

  /** Mark this directory changed. Callers that change a descendant must touch every ancestor. */
  touch(): void {
    this.stored = undefined;
  }

  setMeta(meta: Meta): void {
    this.meta = { ...meta };
    this.touch();
  }

  /** Write every changed directory below and including this one; returns the stored node. */
  async persist(trees: TreeStore): Promise<DirNode> {
    if (this.stored) return this.stored;
    const entries: Array<[string, Node]> = [];
    for (const [name, e] of this.children!) {
      entries.push([name, e instanceof MutableDir ? await e.persist(trees) : e]);
    }
    const tree = await trees.put(entries);
    const node: DirNode = { type: 'dir', ...this.meta, tree };
    if (this.opaque) node.opaque = true;
    if (this.implicit) node.implicit = true;
    this.stored = node;
    return node;
  }

  /** True when this directory (as a layer) changes nothing. */
  async isEmpty(trees: TreeStore): Promise<boolean> {
    return !this.opaque && (await this.load(trees)).size === 0;
  }
}
