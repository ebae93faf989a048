import type { Digest } from '../digest/digest.ts';
import type { ByteStream } from '../host.ts';

/**
 * Content-addressed bytes. Every blob is named by the SHA-256 of its bytes; a store
 * verifies that before a blob becomes visible, so readers can trust what they get.
 *
 * Writes are staged: `put` and `ingest` make a blob readable through this same store
 * object at once, but it becomes durable (and visible to other processes) only at
 * `flush()`. Callers flush before they flip a ref to point at new blobs, so a crash
 * never leaves a ref to a missing blob. Putting bytes that are already stored is cheap
 * and idempotent.
 */
export interface BlobStore {
  has(d: Digest): Promise<boolean>;
  /** The whole blob; throws NotFoundError. Avoid for large blobs: use `stream`. */
  get(d: Digest): Promise<Uint8Array>;
  /** The blob in chunks; throws NotFoundError before the first chunk. */
  stream(d: Digest): ByteStream;
  /** Size in bytes; throws NotFoundError. */
  size(d: Digest): Promise<number>;
  /**
   * Store bytes; when `expected` is given a mismatch throws DigestMismatchError. The
   * store copies what it keeps of `bytes`, unless `adopt`: then the caller hands them
   * over and must not change them again.
   */
  put(bytes: Uint8Array, expected?: Digest, opts?: { adopt?: boolean }): Promise<Digest>;
  /** Store a stream; verified against `expected` (digest and/or size) when given. */
  ingest(src: ByteStream, expected?: { digest?: Digest; size?: number }): Promise<{ digest: Digest; size: number }>;
  /** Make every staged blob durable and visible to other processes. */
  flush(): Promise<void>;
  /** Drop every staged, unflushed blob (a failed operation leaves nothing behind). */
  discard(): Promise<void>;
  /** Garbage collection only: remove a stored blob. Missing blobs are ignored. */
  delete(d: Digest): Promise<void>;
  /** Every durable blob. */
  list(): AsyncIterable<Digest>;
  /**
   * Optional: pass the blob's bytes to `sink` in order and resolve their count. A chunk
   * is valid only until `sink` returns (the store may reuse its buffer), so hashing
   * many blobs allocates no memory for their bytes. Throws NotFoundError before the
   * first chunk. Use `scanBlob`, which falls back to `stream`.
   */
  scan?(d: Digest, sink: (chunk: Uint8Array) => void): Promise<number>;
}

/** Feed a blob's bytes to `sink` (see `BlobStore.scan`); resolves their count. */
export async function scanBlob(blobs: BlobStore, d: Digest, sink: (chunk: Uint8Array) => void): Promise<number> {
  if (blobs.scan) return blobs.scan(d, sink);
  let n = 0;
  for await (const chunk of blobs.stream(d)) {
    sink(chunk);
    n += chunk.length;
  }
  return n;
}
