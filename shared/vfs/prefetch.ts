import type { Digest } from '../digest/digest.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { DirNode, Node } from '../tree/node.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { MemorySource } from './source.ts';

export interface PrefetchOptions {
  /**
   * Load file contents up to this many bytes in total, smallest files first. Default 0.
   * Applies when the tree is walked, not when `into` knew it already.
   */
  budget?: number;
  /**
   * Paths whose contents are loaded whatever the budget: files, or directories (every
   * file below). Symlinks on the way are followed inside the root.
   */
  paths?: readonly string[];
  /** Blob store to read contents from; default the tree store's. */
  blobs?: BlobStore;
}

export interface Prefetched {
  /** Every directory of the tree, and the contents asked for. */
  source: MemorySource;
  /** Hard-link groups (names sharing a `link` id), as relative paths: pass to the domain. */
  links: string[][];
  /** What the tree holds, for statfs. */
  usage: { bytes: number; files: number };
}

const BATCH = 32;
const MAX_SYMLINKS = 40;

/**
 * Load what a synchronous working set of `root` needs from the asynchronous stores:
 * every directory listing (cheap next to contents, and needed for any lookup), the link
 * groups and usage found on the way, and file contents by budget and by path. Directory
 * listings are decoded lazily by the working set; nothing is turned into inodes here.
 * Pass `into` to add to a source that already holds other trees: a tree prefetched into
 * it before is not walked again (only contents not yet held are fetched), so one source
 * can serve every process of a container, or every container of an image.
 */
export async function prefetch(trees: TreeStore, root: DirNode, opts: PrefetchOptions = {}, into = new MemorySource()): Promise<Prefetched> {
  const blobs = opts.blobs ?? trees.blobs;
  const groups = new Map<string, string[]>();
  const candidates = new Map<Digest, number>();
  let bytes = 0;
  let files = 1;
  const known = into.summaries.get(root.tree);
  let level: Array<[DirNode, string]> = known ? [] : [[root, '']];
  while (level.length) {
    const next: Array<[DirNode, string]> = [];
    for (let i = 0; i < level.length; i += BATCH) {
      const batch = level.slice(i, i + BATCH);
      const dirs = await Promise.all(batch.map(([n]) => (into.hasDir(n.tree) ? undefined : trees.dir(n.tree))));
      batch.forEach(([node, prefix], k) => {
        const d = dirs[k];
        if (d) into.addDir(node.tree, d.entries);
        for (const [name, n] of into.dir(node.tree)) {
          const path = prefix ? `${prefix}/${name}` : name;
          if (n.type === 'dir') {
            files++;
            next.push([n, path]);
          } else if (n.type === 'file') {
            if (n.link) {
              const g = groups.get(n.link);
              if (g) {
                g.push(path);
                continue;
              }
              groups.set(n.link, [path]);
            }
            files++;
            bytes += n.size;
            if (n.size > 0 && !candidates.has(n.digest)) candidates.set(n.digest, n.size);
          } else if (n.type !== 'whiteout' && n.type !== 'hardlink') files++;
        }
      });
    }
    level = next;
  }

  const summary = known ?? { links: [...groups.values()].filter((g) => g.length > 1), usage: { bytes, files } };
  into.summaries.set(root.tree, summary);

  const want = new Set<Digest>();
  for (const p of opts.paths ?? []) collect(into, root, p, want);
  let budget = opts.budget ?? 0;
  if (budget > 0) {
    for (const [d, size] of [...candidates].sort((a, b) => a[1] - b[1])) {
      if (size > budget) break;
      if (want.has(d)) continue;
      want.add(d);
      budget -= size;
    }
  }
  const list = [...want].filter((d) => !into.hasBlob(d));
  for (let i = 0; i < list.length; i += BATCH) {
    const batch = list.slice(i, i + BATCH);
    const got = await Promise.all(batch.map((d) => blobs.get(d)));
    batch.forEach((d, k) => into.addBlob(d, got[k]!));
  }
  return { source: into, ...summary };
}

/** Add the contents at `path` (a file, or every file below a directory) to `want`. */
function collect(source: MemorySource, root: DirNode, path: string, want: Set<Digest>): void {
  const n = lookupStored(source, root, path);
  if (!n) return;
  if (n.type === 'file') {
    if (n.size > 0) want.add(n.digest);
    return;
  }
  if (n.type !== 'dir') return;
  const stack: DirNode[] = [n];
  while (stack.length) {
    for (const [, c] of source.dir(stack.pop()!.tree)) {
      if (c.type === 'file' && c.size > 0) want.add(c.digest);
      else if (c.type === 'dir') stack.push(c);
    }
  }
}

/** The stored node at `path` with symlinks followed inside the root, or undefined. */
function lookupStored(source: MemorySource, root: DirNode, path: string): Node | undefined {
  let parts = path.split('/');
  const stack: DirNode[] = [];
  let cur: Node = root;
  let hops = 0;
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    if (name === '' || name === '.') continue;
    if (cur.type !== 'dir') return undefined;
    if (name === '..') {
      cur = stack.pop() ?? root;
      continue;
    }
    const dir: DirNode = cur;
    const entry: readonly [string, Node] | undefined = source.dir(dir.tree).find(([n]) => n === name);
    if (!entry) return undefined;
    const n: Node = entry[1];
    if (n.type === 'symlink') {
      if (++hops > MAX_SYMLINKS) return undefined;
      parts = [...n.target.split('/'), ...parts.slice(i + 1)];
      i = -1;
      if (n.target.startsWith('/')) {
        stack.length = 0;
        cur = root;
      }
      continue;
    }
    stack.push(cur);
    cur = n;
  }
  return cur;
}
