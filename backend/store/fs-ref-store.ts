import { close, closeSync, fstatSync, fsync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isDigest, type Digest } from '../../shared/digest/digest.ts';
import { DataLossError, FailedPreconditionError, InvalidArgumentError } from '../../shared/errors.ts';
import type { RefStore, RefUpdate } from '../../shared/store/ref-store.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { fsyncDir } from './durability.ts';
import type { RecycledFiles } from './recycled-files.ts';
import type { StoreLayout } from './layout.ts';
import { isMissing, tempName } from './temp-file.ts';

const fsyncFd = (fd: number) => new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())));

/**
 * Makes the bytes of a written but unpublished refs.json durable (`tmp` is its path),
 * along with whatever else must be durable before refs flip: the store passes the blob
 * flush here, so blobs and refs share one barrier. Called under the store lock.
 */
export type RefPublisher = (tmp: string | undefined) => Promise<void>;

/** One parsed version of refs.json. */
interface Snapshot {
  /** Inode of the file it was read from; 0n when the file is absent. */
  ino: bigint;
  /** An open descriptor of that file (or -1): holding it keeps its inode number from being reused. */
  fd: number;
  refs: Map<string, Digest>;
  /** Names sorted by code unit, computed on first `list`. */
  sorted?: string[];
}

/**
 * Refs in one file, `refs.json`: a JSON object from name to digest, one ref per line,
 * sorted by name. The file is never changed in place: `update` writes a new version
 * under tmp/, fsyncs it, renames it over refs.json and fsyncs the folder, so a reader
 * sees the old version or the new one, and a crash keeps one of them whole.
 *
 * Reads are cached: the last parsed version is kept with an open descriptor of its file.
 * While that descriptor is open the inode cannot be freed, so its number cannot be
 * reused by a newer refs.json: comparing `stat(refs.json).ino` with the cached inode
 * tells exactly whether the file changed, at the cost of one stat per read.
 *
 * `update` runs its read-check-write under the store's lock (`withLock`, which joins the
 * lock when the store holds it). Reading and writing the file use synchronous calls:
 * it is small and local, and each call costs less than a trip through the thread pool;
 * only the fsyncs, which wait for the disk, are asynchronous.
 */
export class FsRefStore implements RefStore {
  private snap: Snapshot = { ino: -1n, fd: -1, refs: new Map() };
  /** Serialises reloads so concurrent readers share one parse. */
  private readonly reload = new Mutex();
  /** Serialises read-check-write within this process: callers sharing one held lock may update concurrently. */
  private readonly writing = new Mutex();

  constructor(
    readonly layout: StoreLayout,
    private readonly withLock: <T>(fn: () => Promise<T>) => Promise<T>,
    /** Empty files made ahead (or left by deleted blobs): a new refs.json takes one. */
    private readonly recycled?: RecycledFiles,
  ) {}

  async get(name: string): Promise<Digest | undefined> {
    return (await this.current()).refs.get(name);
  }

  async list(prefix: string): Promise<Array<[string, Digest]>> {
    const s = await this.current();
    const names = (s.sorted ??= [...s.refs.keys()].sort(compareNames));
    const out: Array<[string, Digest]> = [];
    for (let i = lowerBound(names, prefix); i < names.length && names[i]!.startsWith(prefix); i++) {
      out.push([names[i]!, s.refs.get(names[i]!)!]);
    }
    return out;
  }

  /**
   * Apply `updates` atomically. With `publish`, it is called once the checks passed and
   * the new file is written (with no file when nothing changes), to make it durable
   * together with the caller's blobs; a failed check throws before it is called.
   */
  async update(updates: RefUpdate[], publish?: RefPublisher): Promise<void> {
    for (const u of updates) validateUpdate(u);
    if (updates.length === 0 && !publish) return;
    await this.withLock(() =>
      this.writing.run(async () => {
        const cur = await this.current();
        for (const u of updates) {
          if (u.expect === undefined) continue;
          const have = cur.refs.get(u.name) ?? null;
          if (have !== u.expect) {
            throw new FailedPreconditionError(
              `ref ${u.name} changed concurrently: expected ${u.expect ?? 'absent'}, found ${have ?? 'absent'}`,
            );
          }
        }
        const next = new Map(cur.refs);
        for (const u of updates) {
          if (u.value === null) next.delete(u.name);
          else next.set(u.name, u.value);
        }
        if (sameRefs(cur.refs, next)) return publish?.(undefined);
        await this.write(next, publish);
      }),
    );
  }

  /** Resolves once every update started so far has finished. */
  settled(): Promise<void> {
    return this.writing.run(async () => {});
  }

  /** Release the cached descriptor. The store stays usable; the next read reopens. */
  async close(): Promise<void> {
    await this.reload.run(async () => {
      const fd = this.snap.fd;
      this.snap = { ino: -1n, fd: -1, refs: new Map() };
      if (fd >= 0) closeSync(fd);
    });
  }

  /**
   * Told by the store when this process takes and releases its lock. While it holds it,
   * no other process can replace refs.json, so one look at the file per hold is enough
   * (this process's own updates keep the cache current).
   */
  held(on: boolean): void {
    this.heldLock = on;
    this.seenInHold = false;
  }
  private heldLock = false;
  private seenInHold = false;

  /** The current version of refs.json, parsed at most once per version. */
  private current(): Promise<Snapshot> {
    return this.reload.run(async () => this.currentSync());
  }

  private currentSync(): Snapshot {
    if (this.heldLock && this.seenInHold) return this.snap;
    const s = this.loadSync();
    if (this.heldLock) this.seenInHold = true;
    return s;
  }

  private loadSync(): Snapshot {
    const ino = statSync(this.layout.refsFile, { bigint: true, throwIfNoEntry: false })?.ino ?? 0n;
    if (ino === this.snap.ino) return this.snap;
    if (ino === 0n) return this.replace({ ino, fd: -1, refs: new Map() });
    let fd: number;
    try {
      fd = openSync(this.layout.refsFile, 'r');
    } catch (e) {
      // Removed between stat and open (updates replace it, never remove it): absent means empty.
      if (isMissing(e)) return this.replace({ ino: 0n, fd: -1, refs: new Map() });
      throw e;
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      const text = readAll(fd, Number(st.size));
      return this.replace({ ino: st.ino, fd, refs: parseRefs(text, this.layout.refsFile) });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private replace(s: Snapshot): Snapshot {
    const old = this.snap.fd;
    this.snap = s;
    if (old >= 0) close(old, () => {});
    return s;
  }

  /**
   * Write a new refs.json: temp file, fsync (or `publish`, whose barrier covers it),
   * rename over, fsync the folder.
   */
  private async write(refs: Map<string, Digest>, publish?: RefPublisher): Promise<void> {
    const sorted = [...refs.keys()].sort(compareNames);
    const bytes = Buffer.from(formatRefs(sorted, refs), 'utf8');
    const tmp = join(this.layout.tmpDir, tempName('refs'));
    const fd = this.recycled?.take(tmp, 0o644, true) ?? openSync(tmp, 'wx+', 0o644);
    let kept = false;
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      if (publish) await publish(tmp);
      else await fsyncFd(fd);
      const { ino } = fstatSync(fd, { bigint: true });
      renameSync(tmp, this.layout.refsFile);
      // The new version is in place; keep its descriptor as the cache before anything else can fail.
      await this.reload.run(async () => void this.replace({ ino, fd, refs, sorted }));
      kept = true;
      await fsyncDir(this.layout.root);
      this.recycled?.refill();
    } catch (e) {
      if (!kept) {
        closeSync(fd);
        try {
          unlinkSync(tmp);
        } catch {
          // renamed or removed already
        }
      }
      throw e;
    }
  }
}

function validateUpdate(u: RefUpdate): void {
  if (typeof u?.name !== 'string' || u.name.length === 0 || /[\u0000-\u001f]/.test(u.name)) {
    throw new InvalidArgumentError(`ref update: invalid name ${JSON.stringify(u?.name)}`);
  }
  if (u.value !== null && !isDigest(u.value)) {
    throw new InvalidArgumentError(`ref ${u.name}: invalid target ${JSON.stringify(u.value)}`);
  }
  if (u.expect !== undefined && u.expect !== null && !isDigest(u.expect)) {
    throw new InvalidArgumentError(`ref ${u.name}: invalid expected target ${JSON.stringify(u.expect)}`);
  }
}

/** Code-unit order, the same as the memory store's. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameRefs(a: Map<string, Digest>, b: Map<string, Digest>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function formatRefs(sorted: string[], refs: Map<string, Digest>): string {
  if (sorted.length === 0) return '{}\n';
  return '{\n' + sorted.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(refs.get(n))}`).join(',\n') + '\n}\n';
}

/** Parse refs.json, checking every entry: the file is input from disk. */
export function parseRefs(text: string, where: string): Map<string, Digest> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new DataLossError(`${where}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new DataLossError(`${where}: want a JSON object of name → digest`);
  }
  const refs = new Map<string, Digest>();
  for (const [name, value] of Object.entries(obj)) {
    if (!isDigest(value)) throw new DataLossError(`${where}: ref ${JSON.stringify(name)} has invalid target ${JSON.stringify(value)}`);
    refs.set(name, value);
  }
  return refs;
}

function readAll(fd: number, size: number): string {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.max(size - pos, 0) + 4096);
    const bytesRead = readSync(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return Buffer.concat(chunks).toString('utf8');
}
