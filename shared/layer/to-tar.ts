import type { Digest } from '../digest/digest.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import type { DirNode, Meta, Node } from '../tree/node.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { base64ToBytes } from '../util/base64.ts';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

function metaFields(m: Meta): Pick<TarWriteEntry, 'mode' | 'uid' | 'gid' | 'mtime' | 'xattrs'> {
  const out: Pick<TarWriteEntry, 'mode' | 'uid' | 'gid' | 'mtime' | 'xattrs'> = { mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime };
  if (m.xattrs) {
    const x: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(m.xattrs)) x[k] = base64ToBytes(v);
    out.xattrs = x;
  }
  return out;
}

/**
 * A diff tree as OCI tar entries, in layerbox's canonical order: depth first, names
 * sorted; a directory's own entry (absent for implicit ones), then its opaque marker,
 * then its children. Whiteouts become empty `.wh.<name>` files. The root directory is
 * never written. This order is part of every layer digest layerbox computes.
 */
export async function* layerEntries(trees: TreeStore, blobs: BlobStore, root: DirNode): AsyncIterable<TarWriteEntry> {
  for await (const { entry } of layerItems(trees, blobs, root)) yield entry;
}

/** An entry of `layerEntries`, with the content digest of a file entry. */
export interface LayerItem {
  entry: TarWriteEntry;
  digest?: Digest;
}

/** `layerEntries`, with each file's content digest beside its entry (for hashing in place). */
export async function* layerItems(trees: TreeStore, blobs: BlobStore, root: DirNode): AsyncIterable<LayerItem> {
  yield* dirEntries(trees, blobs, root, '', root);
}

async function* dirEntries(trees: TreeStore, blobs: BlobStore, dir: DirNode, prefix: string, root: DirNode): AsyncIterable<LayerItem> {
  if (dir.opaque) yield { entry: marker(prefix ? `${prefix}/${OPAQUE_MARKER}` : OPAQUE_MARKER) };
  for (const [name, node] of (await trees.dir(dir.tree)).entries) {
    const path = prefix ? `${prefix}/${name}` : name;
    yield* nodeEntries(trees, blobs, node, path, prefix, name, root);
  }
}

function marker(path: string): TarWriteEntry {
  return { path, type: 'file', mode: 0, uid: 0, gid: 0, mtime: 0, size: 0 };
}

async function* nodeEntries(
  trees: TreeStore,
  blobs: BlobStore,
  node: Node,
  path: string,
  prefix: string,
  name: string,
  root: DirNode,
): AsyncIterable<LayerItem> {
  switch (node.type) {
    case 'whiteout':
      yield { entry: marker(prefix ? `${prefix}/${WHITEOUT_PREFIX}${name}` : WHITEOUT_PREFIX + name) };
      return;
    case 'hardlink': {
      // The link's header repeats its file's metadata, as tar writers do for one inode.
      const target = await trees.lookup(root, node.target);
      const meta = target && target.type === 'file' ? metaFields(target) : { mode: 0o644 };
      yield { entry: { path, type: 'hardlink', linkname: node.target, ...meta } };
      return;
    }
    case 'dir':
      if (!node.implicit) yield { entry: { path, type: 'dir', ...metaFields(node) } };
      yield* dirEntries(trees, blobs, node, path, root);
      return;
    case 'file':
      yield { entry: { path, type: 'file', ...metaFields(node), size: node.size, body: () => blobs.stream(node.digest) }, digest: node.digest };
      return;
    case 'symlink':
      yield { entry: { path, type: 'symlink', ...metaFields(node), linkname: node.target } };
      return;
    case 'char':
    case 'block':
      yield { entry: { path, type: node.type, ...metaFields(node), devmajor: node.major, devminor: node.minor } };
      return;
    case 'fifo':
      yield { entry: { path, type: 'fifo', ...metaFields(node) } };
      return;
  }
}

/** Bytes of the regular files a diff tree adds (Docker's layer size). */
export async function layerContentSize(trees: TreeStore, root: DirNode): Promise<number> {
  let total = 0;
  for await (const [, n] of trees.walk(root)) if (n.type === 'file') total += n.size;
  return total;
}
