import type { Digest } from '../digest/digest.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { compareNames, decodeDirectory, encodeDirectory, type Entries } from './directory.ts';
import type { DirNode, Node } from './node.ts';
import { splitPath } from './path.ts';

/** A decoded directory blob: sorted entries with lookup by name. */
export class Directory {
  private index?: Map<string, Node>;
  constructor(
    readonly digest: Digest,
    readonly entries: Entries,
  ) {}
  get(name: string): Node | undefined {
    if (!this.index) this.index = new Map(this.entries as Array<[string, Node]>);
    return this.index.get(name);
  }
  get size(): number {
    return this.entries.length;
  }
}

const MAX_CACHED = 4096;

/**
 * Reads and writes Merkle directory trees in a blob store. Decoded directories are
 * cached by digest (they never change), so walking the same image twice is cheap.
 */
export class TreeStore {
  private readonly cache = new Map<Digest, Directory>();
  constructor(readonly blobs: BlobStore) {}

  async dir(d: Digest): Promise<Directory> {
    const hit = this.cache.get(d);
    if (hit) {
      // Refresh recency: Map keeps insertion order, the oldest is evicted first.
      this.cache.delete(d);
      this.cache.set(d, hit);
      return hit;
    }
    const dir = new Directory(d, decodeDirectory(await this.blobs.get(d), d));
    this.remember(dir);
    return dir;
  }

  private remember(dir: Directory): void {
    this.cache.set(dir.digest, dir);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Store a directory's entries; returns the tree digest. */
  async put(entries: Entries): Promise<Digest> {
    const bytes = encodeDirectory(entries);
    const d = await this.blobs.put(bytes);
    if (!this.cache.has(d)) {
      const sorted = [...entries].sort((a, b) => compareNames(a[0], b[0]));
      this.remember(new Directory(d, sorted));
    }
    return d;
  }

  /** The node at `path` (relative or absolute, no symlinks followed), or undefined. */
  async lookup(root: DirNode, path: string): Promise<Node | undefined> {
    let cur: Node = root;
    for (const name of splitPath(path)) {
      if (cur.type !== 'dir') return undefined;
      const next: Node | undefined = (await this.dir(cur.tree)).get(name);
      if (!next) return undefined;
      cur = next;
    }
    return cur;
  }

  /**
   * Every node below `root` in depth-first pre-order with names sorted, as
   * [path, node] with paths relative and without a leading slash. `root` itself is not
   * yielded.
   */
  async *walk(root: DirNode, prefix = ''): AsyncIterable<[string, Node]> {
    const dir = await this.dir(root.tree);
    for (const [name, node] of dir.entries) {
      const p = prefix ? `${prefix}/${name}` : name;
      yield [p, node];
      if (node.type === 'dir') yield* this.walk(node, p);
    }
  }

  /** Every blob a tree references (directory blobs and file contents), each once. */
  async reachable(root: DirNode, into: Set<Digest>): Promise<void> {
    if (into.has(root.tree)) return;
    into.add(root.tree);
    const dir = await this.dir(root.tree);
    for (const [, node] of dir.entries) {
      if (node.type === 'file') into.add(node.digest);
      else if (node.type === 'dir') await this.reachable(node, into);
    }
  }
}
