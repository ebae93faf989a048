import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import type { Entries } from '../tree/directory.ts';

/**
 * Where a working set reads stored trees from, synchronously: directory listings by tree
 * digest and file contents by blob digest. The engine prepares one before a process runs
 * (see `prefetch`); a host with synchronous storage (files on disk) can read directly.
 * A source that does not hold what is asked for throws `MissingContentError`.
 */
export interface TreeSource {
  /** The entries of a stored directory, sorted by name. */
  dir(tree: Digest): Entries;
  /** The bytes of a stored file. Callers never modify them. */
  blob(digest: Digest): Uint8Array;
}

/** A source was asked for a directory or file it does not hold. */
export class MissingContentError extends NotFoundError {
  constructor(
    readonly digest: Digest,
    readonly what: 'directory' | 'file',
  ) {
    super(`working set: ${what} ${digest} was not loaded`);
  }
}

/** A source held in memory, filled ahead of time (by `prefetch`, or piece by piece). */
export class MemorySource implements TreeSource {
  private readonly dirs = new Map<Digest, Entries>();
  private readonly blobs = new Map<Digest, Uint8Array>();
  /** What `prefetch` learnt about whole trees, by root tree digest (trees never change). */
  readonly summaries = new Map<Digest, { links: string[][]; usage: { bytes: number; files: number } }>();

  addDir(tree: Digest, entries: Entries): void {
    this.dirs.set(tree, entries);
  }
  addBlob(digest: Digest, bytes: Uint8Array): void {
    this.blobs.set(digest, bytes);
  }
  hasDir(tree: Digest): boolean {
    return this.dirs.has(tree);
  }
  hasBlob(digest: Digest): boolean {
    return this.blobs.has(digest);
  }
  /** Bytes of file contents held. */
  get blobBytes(): number {
    let n = 0;
    for (const b of this.blobs.values()) n += b.length;
    return n;
  }

  dir(tree: Digest): Entries {
    const d = this.dirs.get(tree);
    if (!d) throw new MissingContentError(tree, 'directory');
    return d;
  }
  blob(digest: Digest): Uint8Array {
    const b = this.blobs.get(digest);
    if (!b) throw new MissingContentError(digest, 'file');
    return b;
  }
}
