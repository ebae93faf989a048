import type { Digest } from '../digest/digest.ts';
import type { Engine } from '../engine/engine.ts';
import type { Entries } from '../tree/directory.ts';
import type { DirNode } from '../tree/node.ts';
import { MemorySource, MissingContentError, prefetch, type TreeSource } from '../vfs/index.ts';
import { FsDomain } from '../vfs/domain.ts';
import { BlobCache } from '../store/blob-cache.ts';

/**
 * Synchronous reads of stored blobs, for hosts whose storage allows it (files on disk).
 * A browser store has none: its working sets are prefetched instead.
 */
export interface SyncBlobs {
  /** The blob's bytes, or undefined when this host cannot read it synchronously. */
  getSync(d: Digest): Uint8Array | undefined;
}

/** File contents loaded ahead when the host cannot read blobs synchronously. */
const PREFETCH_BUDGET = 64 * 1024 * 1024;

/** One directory cache per engine: every container of an image shares its listings. */
const caches = new WeakMap<Engine, MemorySource>();
/**
 * Contents read synchronously, kept for the next container: programs, mostly, so the
 * next container to run one reads nothing from disk.
 */
const recent = new WeakMap<Engine, BlobCache>();

class StoreSource implements TreeSource {
  constructor(
    private readonly mem: MemorySource,
    private readonly sync: SyncBlobs | undefined,
    private readonly recent: BlobCache,
  ) {}
  dir(tree: Digest): Entries {
    return this.mem.dir(tree);
  }
  blob(digest: Digest): Uint8Array {
    if (this.mem.hasBlob(digest)) return this.mem.blob(digest);
    let b = this.recent.get(digest);
    if (b) return b;
    b = this.sync?.getSync(digest);
    if (!b) throw new MissingContentError(digest, 'file');
    this.recent.set(digest, b);
    return b;
  }
}

/**
 * A working-set filesystem domain over a stored root: every directory listing loaded
 * (so lookups never wait), file contents read synchronously from the store when the
 * host can, else loaded ahead within a budget.
 */
export async function workingSet(e: Engine, root: DirNode, sync?: SyncBlobs): Promise<FsDomain> {
  let mem = caches.get(e);
  if (!mem) caches.set(e, (mem = new MemorySource()));
  // Unbounded caches of listings grow with every image run; start over past a size.
  if (mem.blobBytes > 4 * PREFETCH_BUDGET) caches.set(e, (mem = new MemorySource()));
  const pre = await prefetch(e.trees, root, { budget: sync ? 0 : PREFETCH_BUDGET }, mem);
  let cache = recent.get(e);
  if (!cache) recent.set(e, (cache = new BlobCache()));
  return FsDomain.fromTree(root, new StoreSource(mem, sync, cache), { links: pre.links, usage: pre.usage });
}
