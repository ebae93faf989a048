import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, open, openSync, read, readFileSync, readSync, renameSync, statSync, write, writeSync } from 'node:fs';
import { open as openHandle, opendir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../shared/digest/digest.ts';
import { DataLossError, DigestMismatchError, NotFoundError } from '../../shared/errors.ts';
import type { ByteStream } from '../../shared/host.ts';
import type { BlobStore } from '../../shared/store/blob-store.ts';
import { BlobCache } from '../../shared/store/blob-cache.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { fsyncAll, fsyncDir, makeDurable, prepareSyncfs, startWriteback, syncfs, syncfsRunning, SYNCFS_MIN_FILES, type Durability } from './durability.ts';
import type { StoreLayout } from './layout.ts';
import { RecycledFiles } from './recycled-files.ts';
import { ignoreMissing, isMissing, tempName, unlinkQuietly } from './temp-file.ts';

export interface FsBlobStoreOptions {
  /** How `flush` makes a batch durable; default `auto`. */
  durability?: Durability;
  /** Where deleted blob files go for reuse (shared with the store's ref file writes). */
  recycled?: RecycledFiles;
}

interface Staged {
  path: string;
  size: number;
  /**
   * The bytes of a small blob given to `put` (a directory, a config, a record), kept
   * until flush: an operation reads those back at once. Streams given to `ingest`
   * (file contents) are not kept; reading them back goes to the page cache.
   */
  bytes?: Uint8Array;
}

/** Staged blobs up to this size keep their bytes in memory until flush… */
const KEEP_BLOB = 4 * 1024 * 1024;
/** …up to this much in all. */
const KEEP_TOTAL = 512 * 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;
/** Read and write in chunks of this size; also the write buffer of `ingest`. */
const CHUNK = 256 * 1024;
/**
 * Blobs up to this size are read and written with synchronous calls. For a small file
 * in the page cache each call takes microseconds, less than one trip through libuv's
 * thread pool (and a promise-API read is four trips: open, fstat, read, close); most
 * blobs an operation touches (directories, configs, records) are a few hundred bytes.
 */
const SMALL_IO = 128 * 1024;
/**
 * `put` writes blobs up to this size with synchronous calls: into the page cache that
 * takes about a millisecond per MiB, and a trip through the pool cost more on these
 * machines (waking a pool thread on the other core is an inter-processor interrupt,
 * which in a virtual machine is an exit to the hypervisor).
 */
const SYNC_WRITE = 4 * 1024 * 1024;

/** What a caller publishes right after a flush's blobs (see `FsBlobStore.flushThen`). */
export interface FlushStep {
  /** Whether the caller's file can carry a small batch's bytes. */
  inline: boolean;
  /**
   * Blobs whose bytes the caller's current file carries and which another process
   * stored: made durable before the new file replaces it.
   */
  carried: readonly Digest[];
  /** Write the caller's files, carrying `inline` (a small batch's bytes) when given; returns their paths. */
  write(inline: Array<[Digest, Uint8Array]> | undefined): readonly string[];
  /** Once the bytes are durable and the blobs renamed: rename the caller's file into place; resolves the folder to sync, if any. */
  publish(): Promise<string | undefined>;
}

/** A batch is carried in the caller's file when it has at most this many blobs, … */
const INLINE_COUNT = 64;
/** … none larger than this, … */
const INLINE_BLOB = 16 * 1024;
/** … and this many bytes in all. */
const INLINE_TOTAL = 64 * 1024;

/**
 * Blobs as files `blobs/sha256/<hex>` (mode 0444) under a store root.
 *
 * `put` and `ingest` hash while writing a temp file under `tmp/`, verify, and keep the
 * file staged: it is readable through this object at once. `flush` makes the whole
 * staged batch durable behind one barrier (see durability.ts), renames each file into
 * `blobs/sha256/`, then fsyncs that folder, so a blob is visible to other processes
 * only once its bytes are safe. The same barrier can cover a file the caller publishes
 * right after the blobs (the store's next refs.json), which can also carry a small
 * batch's bytes, so that a commit waits for two barriers (`flushThen`). A blob
 * already stored is not written again (two processes flushing the same new blob at
 * the same moment both rename; the second replaces the file by identical bytes,
 * atomically).
 */
export class FsBlobStore implements BlobStore {
  private readonly staged = new Map<Digest, Staged>();
  /** Serialises flush and discard, which both hand over the staged set. */
  private readonly batch = new Mutex();
  private readonly durability: Durability;
  /** Emptied files of deleted blobs, reused for new ones. */
  private readonly recycled: RecycledFiles;
  private kept = 0;
  /** Bytes staged since the last writeback hint. */
  private unwritten = 0;

  constructor(
    readonly layout: StoreLayout,
    opts: FsBlobStoreOptions = {},
  ) {
    this.durability = opts.durability ?? 'auto';
    this.recycled = opts.recycled ?? new RecycledFiles(layout.recycledDir);
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
    const hit = this.recent.get(d);
    if (hit) return hit;
    const small = this.withFileSync(d, readSmallSync);
    if (small) {
      this.recent.set(d, small);
      return small;
    }
    const b = await this.withFile(d, (path) => readFile(path));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  async *stream(d: Digest): ByteStream {
    const mem = this.staged.get(d)?.bytes;
    if (mem) {
      yield mem;
      return;
    }
    const small = this.withFileSync(d, readSmallSync);
    if (small) {
      yield small;
      return;
    }
    const fh = await this.withFile(d, (path) => openHandle(path, 'r'));
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

  async scan(d: Digest, sink: (chunk: Uint8Array) => void): Promise<number> {
    const mem = this.staged.get(d)?.bytes;
    if (mem) {
      sink(mem);
      return mem.length;
    }
    const fd = this.withFileSync(d, (path) => openSync(path, 'r'));
    const buf = takeBuffer();
    try {
      const small = fstatSync(fd).size <= SMALL_IO;
      let total = 0;
      for (;;) {
        const n = small ? readSync(fd, buf, 0, buf.length, null) : await readInto(fd, buf);
        if (n === 0) return total;
        sink(buf.subarray(0, n));
        total += n;
      }
    } finally {
      giveBuffer(buf);
      closeSync(fd);
    }
  }

  async size(d: Digest): Promise<number> {
    const s = this.staged.get(d);
    if (s) return s.size;
    return this.withFileSync(d, (path) => statSync(path).size);
  }

  async put(bytes: Uint8Array, expected?: Digest, opts?: { adopt?: boolean }): Promise<Digest> {
    const d = sha256Hex(bytes);
    if (expected && expected !== d) throw new DigestMismatchError('blob', expected, d);
    if (this.staged.has(d) || this.isStored(d)) return d;
    const path = join(this.layout.tmpDir, tempName('blob'));
    let fd: number | undefined;
    try {
      fd = this.recycled.take(path) ?? openSync(path, 'wx', 0o444);
      if (bytes.length <= SYNC_WRITE) writeFullySync(fd, bytes);
      else await writeFully(fd, bytes);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      unlinkQuietly(path);
      throw e;
    }
    closeSync(fd);
    this.stage(d, path, bytes.length, bytes, opts?.adopt === true);
    return d;
  }

  /**
   * Hash and write the stream to a temp file as it arrives. A chunk is hashed and
   * written (or copied into a pooled buffer that gathers small chunks into one write)
   * before the next is asked for, so the producer may reuse its buffer and nothing is
   * copied into fresh memory: allocating and first touching memory is costly, and a
   * build ingests every byte of its context.
   */
  async ingest(src: ByteStream, expected?: { digest?: Digest; size?: number }): Promise<{ digest: Digest; size: number }> {
    // Bytes already stored are only hashed, to verify them and learn the size.
    const known = expected?.digest !== undefined && (await this.has(expected.digest));
    const path = known ? undefined : join(this.layout.tmpDir, tempName('blob'));
    // Creating a file is the slow part of writing a small one (ext4 allocates an inode
    // under its folder's lock): it goes to libuv's pool and overlaps the first read and hash.
    const reused = path ? this.recycled.take(path) : undefined;
    const opening = path ? (reused !== undefined ? Promise.resolve(reused) : createFile(path)) : undefined;
    opening?.catch(() => {});
    let fd: number | undefined;
    const gather = path ? takeBuffer() : undefined;
    let ok = false;
    try {
      const h = createHash('sha256');
      let size = 0;
      let n = 0;
      for await (const chunk of src) {
        h.update(chunk);
        size += chunk.length;
        if (expected?.size !== undefined && size > expected.size) {
          throw new DataLossError(`blob: more than the expected ${expected.size} bytes`);
        }
        if (!opening || gather === undefined) continue;
        fd ??= await opening;
        if (chunk.length >= DIRECT_WRITE || n + chunk.length > gather.length) {
          if (n) await writeFully(fd, gather.subarray(0, n));
          n = 0;
        }
        if (chunk.length >= DIRECT_WRITE) await writeFully(fd, chunk);
        else {
          gather.set(chunk, n);
          n += chunk.length;
        }
      }
      if (opening) fd ??= await opening;
      if (fd !== undefined && gather !== undefined && n) await writeFully(fd, gather.subarray(0, n));
      const digest = ('sha256:' + h.digest('hex')) as Digest;
      if (expected?.size !== undefined && size !== expected.size) {
        throw new DataLossError(`blob ${digest}: size ${size}, expected ${expected.size}`);
      }
      if (expected?.digest && expected.digest !== digest) throw new DigestMismatchError('blob', expected.digest, digest);
      ok = true;
      if (fd !== undefined) {
        const f = fd;
        fd = undefined;
        closeSync(f);
      }
      if (path) this.stage(digest, path, size);
      return { digest, size };
    } finally {
      if (gather) giveBuffer(gather);
      if (!ok && opening) {
        // A failed stream may leave the open in flight: wait for it, then clean up.
        const f = fd ?? (await opening.catch(() => undefined));
        if (f !== undefined) closeSync(f);
        unlinkQuietly(path!);
      }
    }
  }

  /**
   * Record a verified temp file, unless this store staged the same blob meanwhile (one
   * another process stored meanwhile is replaced by the same bytes at flush). `bytes`
   * are kept in memory within budget: as they are when `owned`, else copied.
   */
  private stage(d: Digest, path: string, size: number, bytes?: Uint8Array, owned = false): void {
    if (this.staged.has(d)) {
      unlinkQuietly(path);
      return;
    }
    const keep = bytes && size <= KEEP_BLOB && this.kept + size <= KEEP_TOTAL ? (owned ? bytes : bytes.slice()) : undefined;
    if (keep) this.kept += size;
    this.staged.set(d, keep ? { path, size, bytes: keep } : { path, size });
    if (this.durability !== 'fsync') {
      // A batch is growing toward syncfs size: start its helper now, while forking is cheap.
      if (this.staged.size === SYNCFS_MIN_FILES >> 1) prepareSyncfs();
      // A large batch: let the disk start on it while the rest is made.
      this.unwritten += size;
      if (this.unwritten >= WRITEBACK_BYTES) {
        this.unwritten = 0;
        startWriteback(this.layout.root);
      }
    }
  }

  /**
   * Make every staged blob durable, then visible. `alongside` are more files on the
   * store's filesystem whose bytes must be durable before the caller publishes them:
   * they join the same barrier instead of paying one of their own.
   */
  async flush(alongside: readonly string[] = []): Promise<void> {
    await this.flushThen({ inline: false, carried: [], write: () => alongside, publish: async () => undefined });
  }

  /**
   * Flush with a file the caller publishes after the blobs (the next refs.json).
   *
   * A small batch (a commit, a `cp`) travels in that file: `write` gets its bytes, the
   * file alone is made durable, the blobs are renamed into place, and the file is
   * published: two barriers, the least any durable change costs. The blobs' own bytes
   * and names are made durable right after, without anyone waiting, and before a later
   * file replaces this one; until then, a reader after a crash restores them from the
   * file (see FsRefStore). A larger batch is made durable with the file, then the
   * blobs' names, then the file's: three barriers.
   */
  async flushThen(step: FlushStep): Promise<void> {
    await this.batch.run(async () => {
      const entries = [...this.staged];
      this.unwritten = 0;
      let inline = step.inline ? inlineBytes(entries) : undefined;
      // Blobs the current file carries must be durable before a new file replaces it,
      // or travel on in the new one: their background sync may not have finished yet.
      let earlier: Promise<void> | undefined;
      if (inline) {
        const unsure = this.unconfirmed(step.carried).filter((d) => !this.staged.has(d));
        const all = unsure.length ? withCarried(this.layout, inline, unsure) : inline;
        if (all) inline = all;
        else earlier = this.syncCarried(unsure);
      } else if (step.inline) {
        earlier = this.syncCarried(this.unconfirmed(step.carried));
      }
      const files = step.write(inline);
      // 1. the bytes: of the caller's file, and of the blobs unless it carries them
      const bytes = inline ? makeDurable(this.layout.root, files, 'fsync') : makeDurable(this.layout.root, [...entries.map(([, s]) => s.path), ...files], this.durability);
      await Promise.all([bytes, earlier]);
      // 2. publish each blob: a rename is a metadata update of microseconds, done in line.
      // One stored meanwhile by another process is replaced by the same bytes, atomically:
      // cheaper than looking first for each of a build's thousand blobs.
      for (const [d, s] of entries) {
        renameSync(s.path, this.layout.blobPath(d));
        // A reader that looked up the staged path now falls back to the blob path.
        if (this.staged.get(d) === s) {
          this.staged.delete(d);
          if (s.bytes) this.kept -= s.size;
        }
      }
      this.recycled.settle();
      // 3. the names: the blobs' first unless the caller's file carries them
      if (!inline && entries.length) await fsyncDir(this.layout.sha256Dir);
      const folder = await step.publish();
      if (folder !== undefined) await fsyncDir(folder);
      if (step.inline) this.carrying = inline?.length ? this.syncInBackground(inline.map(([d]) => d)) : undefined;
      this.recycled.refill();
    });
  }

  /** The blobs this process's last published file carries, and how making them durable went. */
  private carrying: Carrying | undefined;

  /** Resolves once the blobs the last published file carries are durable too (or their sync failed). */
  async settled(): Promise<void> {
    await this.carrying?.synced;
  }

  /**
   * Make the carried blobs durable without anyone waiting: one syncfs where its helper
   * runs (a long-lived process starts it at open), which writes back everything the
   * filesystem holds, one flush of the disk's cache instead of one per blob; others'
   * data delays no command. Elsewhere, fsyncs.
   */
  private syncInBackground(digests: Digest[]): Carrying {
    const c: Carrying = { digests, done: false, ok: false, synced: Promise.resolve(false) };
    c.synced = (async () => {
      if (syncfsRunning() && (await syncfs(this.layout.root))) return;
      await fsyncAll(digests.map((d) => this.layout.blobPath(d)));
      await fsyncDir(this.layout.sha256Dir);
    })().then(
      () => (c.ok = c.done = true),
      () => !(c.done = true),
    );
    return c;
  }

  /** Of the blobs the current file carries (`others`, and this process's own), those not known to be durable. */
  private unconfirmed(others: readonly Digest[]): Digest[] {
    const own = this.carrying && !(this.carrying.done && this.carrying.ok) ? this.carrying.digests : [];
    return [...new Set([...others, ...own])];
  }

  /**
   * Make `digests`, blobs a refs file carries, durable before a file without them
   * replaces it; waits for this process's background sync where it covers them.
   */
  async syncCarried(digests: readonly Digest[]): Promise<void> {
    const own = this.carrying;
    this.carrying = undefined;
    const ownSynced = own ? await own.synced : true;
    const left = digests.filter((d) => !(ownSynced && own?.digests.includes(d)));
    if (!left.length) return;
    // A blob deleted since is no longer needed by anyone.
    const paths = left.map((d) => this.layout.blobPath(d)).filter((p) => statSync(p, { throwIfNoEntry: false }));
    await fsyncAll(paths);
    await fsyncDir(this.layout.sha256Dir);
  }

  /**
   * A blob the current refs file carries is in place with these bytes (checked against
   * its digest by the caller): after a crash that lost it, or left its file with other
   * bytes, it is written back durably. Synchronous, as refs are read so.
   */
  restoreSync(d: Digest, bytes: Uint8Array): void {
    const path = this.layout.blobPath(d);
    try {
      if (Buffer.from(readFileSync(path)).equals(bytes)) return;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    const tmp = join(this.layout.tmpDir, tempName('blob'));
    const fd = openSync(tmp, 'wx', 0o444);
    try {
      writeFullySync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dir = openSync(this.layout.sha256Dir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  async discard(): Promise<void> {
    await this.batch.run(async () => {
      const entries = [...this.staged];
      this.staged.clear();
      this.kept = 0;
      for (const [, s] of entries) unlinkQuietly(s.path);
      this.recycled.settle();
      this.recycled.refill();
    });
  }

  /**
   * Small blobs read lately (image records, configs, directory listings): a long-lived
   * process (the engine service) reads each once. `delete` forgets.
   */
  private readonly recent = new BlobCache(16 * 1024 * 1024, 64 * 1024);

  async delete(d: Digest): Promise<void> {
    this.recent.delete(d);
    const path = this.layout.blobPath(d);
    if (!(await this.recycled.recycle(path))) await unlink(path).catch(ignoreMissing);
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

  /**
   * The blob's bytes without waiting, staged or stored, or undefined when absent: a
   * running process reads files of its container synchronously (the runtime's working
   * set), and a build's RUN step may read files an earlier step has only staged.
   */
  getSync(d: Digest): Uint8Array | undefined {
    const mem = this.staged.get(d)?.bytes;
    if (mem) return mem;
    try {
      return this.withFileSync(d, (p) => new Uint8Array(readFileSync(p)));
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /** `withFile` for synchronous `f`. */
  private withFileSync<T>(d: Digest, f: (path: string) => T): T {
    const s = this.staged.get(d);
    if (s) {
      try {
        return f(s.path);
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    }
    try {
      return f(this.layout.blobPath(d));
    } catch (e) {
      if (isMissing(e)) throw new NotFoundError(`blob ${d} not found in ${this.layout.root}`);
      throw e;
    }
  }
}

/** The background sync of the blobs a published file carries. */
interface Carrying {
  digests: Digest[];
  done: boolean;
  ok: boolean;
  /** Resolves whether it worked. */
  synced: Promise<boolean>;
}

/** Whether blobs of these sizes can travel in a refs file together. */
function fitsInline(sizes: readonly number[]): boolean {
  let total = 0;
  for (const n of sizes) if (n > INLINE_BLOB || (total += n) > INLINE_TOTAL) return false;
  return sizes.length <= INLINE_COUNT;
}

/** The staged blobs' bytes, if the batch is small enough to be carried in a refs file. */
function inlineBytes(entries: Array<[Digest, Staged]>): Array<[Digest, Uint8Array]> | undefined {
  if (!fitsInline(entries.map(([, s]) => s.size))) return undefined;
  return entries.map(([d, s]) => [d, s.bytes ?? readFileSync(s.path)]);
}

/** `batch` and the bytes of stored blobs `more`, if they all fit in a refs file and can be read. */
function withCarried(layout: StoreLayout, batch: Array<[Digest, Uint8Array]>, more: readonly Digest[]): Array<[Digest, Uint8Array]> | undefined {
  const all = [...batch];
  try {
    for (const d of more) all.push([d, readFileSync(layout.blobPath(d))]);
  } catch {
    return undefined;
  }
  return fitsInline(all.map(([, b]) => b.length)) ? all : undefined;
}

export function sha256Hex(bytes: Uint8Array): Digest {
  return ('sha256:' + createHash('sha256').update(bytes).digest('hex')) as Digest;
}

/** Staged bytes between two writeback hints to the syncfs helper. */
const WRITEBACK_BYTES = 16 * 1024 * 1024;
/** Chunks of this size or more are written from the producer's buffer as they are. */
const DIRECT_WRITE = 64 * 1024;
/** Gathering buffers of `ingest`, reused: a build ingests thousands of files. */
const buffers: Uint8Array[] = [];

function takeBuffer(): Uint8Array {
  return buffers.pop() ?? new Uint8Array(CHUNK);
}

function giveBuffer(b: Uint8Array): void {
  if (buffers.length < 32) buffers.push(b);
}

/** Create a new file for writing (libuv's pool). */
function createFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'wx', 0o444, (e, fd) => (e ? reject(e) : resolve(fd))));
}

/** Write all of `bytes` at the file's position with synchronous calls (a small blob, into the page cache). */
function writeFullySync(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Write all of `bytes` at the file's position (libuv's pool: the disk may be slow). */
async function writeFully(fd: number, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length; ) {
    off += await new Promise<number>((resolve, reject) =>
      write(fd, bytes, off, bytes.length - off, null, (e, n) => (e ? reject(e) : resolve(n))),
    );
  }
}

/** Read into `buf` from the file's position (libuv's pool); resolves the count. */
function readInto(fd: number, buf: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, buf.length, null, (e, n) => (e ? reject(e) : resolve(n))));
}

/** The whole file if it is at most SMALL_IO bytes, read with synchronous calls; else undefined. */
function readSmallSync(path: string): Uint8Array | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > SMALL_IO) return undefined;
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

