import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, opendir, readFile, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../shared/digest/digest.ts';
import { DataLossError, DigestMismatchError, NotFoundError } from '../../shared/errors.ts';
import type { ByteStream } from '../../shared/host.ts';
import type { BlobStore } from '../../shared/store/blob-store.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { concatBytes } from '../../shared/util/bytes.ts';
import { fsyncDir, makeDurable, prepareSyncfs, SYNCFS_MIN_FILES, type Durability } from './durability.ts';
import type { StoreLayout } from './layout.ts';
import { ignoreMissing, isMissing, tempName } from './temp-file.ts';

export interface FsBlobStoreOptions {
  /** How `flush` makes a batch durable; default `auto`. */
  durability?: Durability;
}

interface Staged {
  path: string;
  size: number;
  /** The bytes, kept for small blobs until flush, so an operation reading back what it just wrote (a layer's tar) does not go to disk. */
  bytes?: Uint8Array;
}

/** Staged blobs up to this size keep their bytes in memory until flush… */
const KEEP_BLOB = 4 * 1024 * 1024;
/** …up to this much in all. */
const KEEP_TOTAL = 512 * 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;
/** Read and write in chunks of this size; also the write buffer of `ingest`. */
const CHUNK = 256 * 1024;
/** Renames and unlinks in flight at once during flush and discard. */
const PARALLEL = 16;

/**
 * Blobs as files `blobs/sha256/<hex>` (mode 0444) under a store root.
 *
 * `put` and `ingest` hash while writing a temp file under `tmp/`, verify, and keep the
 * file staged: it is readable through this object at once. `flush` makes the whole
 * staged batch durable behind one barrier (see durability.ts), renames each file into
 * `blobs/sha256/`, then fsyncs that folder, so a blob is visible to other processes
 * only once its bytes are safe. A blob already stored is not written again (two
 * processes flushing the same new blob at the same moment both rename; the second
 * replaces the file by identical bytes, atomically).
 */
export class FsBlobStore implements BlobStore {
  private readonly staged = new Map<Digest, Staged>();
  /** Serialises flush and discard, which both hand over the staged set. */
  private readonly batch = new Mutex();
  private readonly durability: Durability;
  private kept = 0;

  constructor(
    readonly layout: StoreLayout,
    opts: FsBlobStoreOptions = {},
  ) {
    this.durability = opts.durability ?? 'auto';
  }

  async has(d: Digest): Promise<boolean> {
    return this.staged.has(d) || this.isStored(d);
  }

  /** Whether the blob is stored durably (what other processes see). */
  async hasDurable(d: Digest): Promise<boolean> {
    return this.isStored(d);
  }

  /**
   * A synchronous stat: for a missing file (the common case when storing new blobs)
   * the promise API builds an Error with a stack for every call, which made `put` and
   * `flush` of 1,000 blobs several times slower; a local stat takes microseconds.
   */
  private isStored(d: Digest): boolean {
    return statSync(this.layout.blobPath(d), { throwIfNoEntry: false }) !== undefined;
  }

  async get(d: Digest): Promise<Uint8Array> {
    const mem = this.staged.get(d)?.bytes;
    if (mem) return mem;
    const b = await this.withFile(d, (path) => readFile(path));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  async *stream(d: Digest): ByteStream {
    const mem = this.staged.get(d)?.bytes;
    if (mem) {
      yield mem;
      return;
    }
    const fh = await this.withFile(d, (path) => open(path, 'r'));
    try {
      for (;;) {
        const buf = new Uint8Array(CHUNK);
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) return;
        yield bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }

  async size(d: Digest): Promise<number> {
    const s = this.staged.get(d);
    if (s) return s.size;
    return (await this.withFile(d, (path) => stat(path))).size;
  }

  async put(bytes: Uint8Array, expected?: Digest): Promise<Digest> {
    const d = sha256Hex(bytes);
    if (expected && expected !== d) throw new DigestMismatchError('blob', expected, d);
    if (this.staged.has(d) || this.isStored(d)) return d;
    const path = join(this.layout.tmpDir, tempName('blob'));
    try {
      await writeFile(path, bytes, { flag: 'wx', mode: 0o444 });
    } catch (e) {
      await unlink(path).catch(() => {});
      throw e;
    }
    await this.stage(d, path, bytes.length, bytes.slice());
    return d;
  }

  async ingest(src: ByteStream, expected?: { digest?: Digest; size?: number }): Promise<{ digest: Digest; size: number }> {
    // Bytes already stored are only hashed, to verify them and learn the size.
    const known = expected?.digest !== undefined && (await this.has(expected.digest));
    const path = known ? undefined : join(this.layout.tmpDir, tempName('blob'));
    const fh = path ? await open(path, 'wx', 0o444) : undefined;
    let ok = false;
    try {
      const h = createHash('sha256');
      const pending: Uint8Array[] = [];
      // Every chunk, while the blob is small enough to keep in memory until flush.
      let all: Uint8Array[] | undefined = fh ? [] : undefined;
      let pendingBytes = 0;
      let size = 0;
      for await (const chunk of src) {
        h.update(chunk);
        size += chunk.length;
        if (expected?.size !== undefined && size > expected.size) {
          throw new DataLossError(`blob: more than the expected ${expected.size} bytes`);
        }
        if (!fh) continue;
        // Copy: the producer may reuse its buffer once we ask for the next chunk.
        const copy = chunk.slice();
        pending.push(copy);
        if (all && size <= KEEP_BLOB) all.push(copy);
        else all = undefined;
        pendingBytes += chunk.length;
        if (pendingBytes >= CHUNK) {
          await writeAll(fh, pending.splice(0));
          pendingBytes = 0;
        }
      }
      const keep = all && this.kept + size <= KEEP_TOTAL ? concatBytes(all, size) : undefined;
      if (fh) await writeAll(fh, pending);
      const digest = ('sha256:' + h.digest('hex')) as Digest;
      if (expected?.size !== undefined && size !== expected.size) {
        throw new DataLossError(`blob ${digest}: size ${size}, expected ${expected.size}`);
      }
      if (expected?.digest && expected.digest !== digest) throw new DigestMismatchError('blob', expected.digest, digest);
      ok = true;
      if (fh) await fh.close();
      if (path) await this.stage(digest, path, size, keep);
      return { digest, size };
    } finally {
      if (!ok && fh) {
        await fh.close().catch(() => {});
        await unlink(path!).catch(() => {});
      }
    }
  }

  /** Record a verified temp file, unless the blob got stored meanwhile. */
  private async stage(d: Digest, path: string, size: number, bytes?: Uint8Array): Promise<void> {
    if (this.staged.has(d) || this.isStored(d)) {
      await unlink(path).catch(ignoreMissing);
      return;
    }
    const keep = bytes && size <= KEEP_BLOB && this.kept + size <= KEEP_TOTAL ? bytes : undefined;
    if (keep) this.kept += size;
    this.staged.set(d, keep ? { path, size, bytes: keep } : { path, size });
    // A batch is growing toward syncfs size: start its helper now, while forking is cheap.
    if (this.durability !== 'fsync' && this.staged.size === SYNCFS_MIN_FILES >> 1) prepareSyncfs();
  }

  async flush(): Promise<void> {
    await this.batch.run(async () => {
      const entries = [...this.staged];
      if (entries.length === 0) return;
      // 1. one durability barrier for the whole batch
      await makeDurable(this.layout.root, entries.map(([, s]) => s.path), this.durability);
      // 2. publish each file; 3. make the renames themselves durable
      await forEachLimited(entries, PARALLEL, async ([d, s]) => {
        const target = this.layout.blobPath(d);
        if (this.isStored(d)) await unlink(s.path).catch(ignoreMissing);
        else await rename(s.path, target);
        // A reader that looked up the staged path now falls back to the blob path.
        if (this.staged.get(d) === s) {
          this.staged.delete(d);
          if (s.bytes) this.kept -= s.size;
        }
      });
      await fsyncDir(this.layout.sha256Dir);
    });
  }

  async discard(): Promise<void> {
    await this.batch.run(async () => {
      const entries = [...this.staged];
      this.staged.clear();
      this.kept = 0;
      await forEachLimited(entries, PARALLEL, ([, s]) => unlink(s.path).catch(ignoreMissing));
    });
  }

  async delete(d: Digest): Promise<void> {
    await unlink(this.layout.blobPath(d)).catch(ignoreMissing);
  }

  async *list(): AsyncIterable<Digest> {
    const dir = await opendir(this.layout.sha256Dir);
    for await (const e of dir) if (HEX64.test(e.name)) yield ('sha256:' + e.name) as Digest;
  }

  /**
   * Run `f` on the blob's file: the staged temp file if there is one, else the stored
   * file. A flush may move a staged file between lookup and use, so a missing staged
   * file is retried at its final place.
   */
  private async withFile<T>(d: Digest, f: (path: string) => Promise<T>): Promise<T> {
    const s = this.staged.get(d);
    if (s) {
      try {
        return await f(s.path);
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    }
    try {
      return await f(this.layout.blobPath(d));
    } catch (e) {
      if (isMissing(e)) throw new NotFoundError(`blob ${d} not found in ${this.layout.root}`);
      throw e;
    }
  }
}

export function sha256Hex(bytes: Uint8Array): Digest {
  return ('sha256:' + createHash('sha256').update(bytes).digest('hex')) as Digest;
}

async function writeAll(fh: FileHandle, parts: Uint8Array[]): Promise<void> {
  if (parts.length === 0) return;
  // writev may write less than asked; carry on from where it stopped.
  let rest = parts;
  while (rest.length) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    while (rest.length && n >= rest[0]!.length) n -= rest.shift()!.length;
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
