import type { Digest } from '../digest/digest.ts';
import { host } from '../host.ts';
import { scanBlob, type BlobStore } from '../store/blob-store.ts';
import type { LayerRecord } from '../image/records.ts';
import { tarHeaderBytes, writeTar } from '../tar/writer.ts';
import { DataLossError } from '../errors.ts';
import type { DirNode } from '../tree/node.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { layerContentSize, layerEntries, layerItems } from './to-tar.ts';
import { joinTar } from '../tar/skeleton.ts';
import type { ByteStream } from '../host.ts';

/** The canonical uncompressed tar of a diff tree. */
export function canonicalTar(trees: TreeStore, blobs: BlobStore, root: DirNode): ByteStream {
  return writeTar(layerEntries(trees, blobs, root));
}

/** The layer's uncompressed tar: the original bytes when it has a skeleton, else canonical. */
export function layerTar(trees: TreeStore, blobs: BlobStore, layer: LayerRecord): ByteStream {
  if (!layer.skeleton) return canonicalTar(trees, blobs, layer.root);
  const skeleton = layer.skeleton;
  return (async function* () {
    yield* joinTar(await blobs.get(skeleton), (d: Digest) => blobs.stream(d));
  })();
}

/** Digest and size of a byte stream. */
export async function digestStream(src: ByteStream): Promise<{ digest: Digest; size: number }> {
  const h = host().sha256();
  let size = 0;
  for await (const c of src) {
    h.update(c);
    size += c.length;
  }
  return { digest: h.digest(), size };
}

/**
 * Digest and size of `canonicalTar(trees, blobs, root)` without making the tar: each
 * entry's header blocks (from the tar writer) and padding are hashed as the writer
 * would emit them, and file contents go from the store to the hash in place
 * (`scanBlob`), so no memory is allocated for the bytes of the layer.
 */
export async function canonicalTarDigest(trees: TreeStore, blobs: BlobStore, root: DirNode): Promise<{ digest: Digest; size: number }> {
  const h = host().sha256();
  let size = 0;
  const feed = (b: Uint8Array) => {
    h.update(b);
    size += b.length;
  };
  for await (const { entry, digest } of layerItems(trees, blobs, root)) {
    feed(tarHeaderBytes(entry));
    if (entry.type !== 'file' || !entry.size) continue;
    const got = await scanBlob(blobs, digest!, feed);
    if (got !== entry.size) throw new DataLossError(`layer: ${entry.path}: blob ${digest} has ${got} bytes, the tree says ${entry.size}`);
    feed(ZEROS.subarray(0, (BLOCK - (entry.size % BLOCK)) % BLOCK));
  }
  feed(ZEROS.subarray(0, 2 * BLOCK));
  return { digest: h.digest(), size };
}

const BLOCK = 512;
const ZEROS = new Uint8Array(2 * BLOCK);

/**
 * A layer record for a diff tree layerbox made itself (a build step, a commit): its
 * diff_id is the digest of the canonical tar. Costs O(size of the layer).
 */
export async function layerFromTree(trees: TreeStore, blobs: BlobStore, root: DirNode): Promise<LayerRecord> {
  const { digest, size } = await canonicalTarDigest(trees, blobs, root);
  return { v: 1, diffId: digest, tarSize: size, size: await layerContentSize(trees, root), root };
}
