import { close, closeSync, fstatSync, fsync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isDigest, type Digest } from '../../shared/digest/digest.ts';
import { DataLossError, FailedPreconditionError, InvalidArgumentError } from '../../shared/errors.ts';
import type { RefStore, RefUpdate } from '../../shared/store/ref-store.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { fsyncDir } from './durability.ts';
import type { FlushStep } from './fs-blob-store.ts';
import type { RecycledFiles } from './recycled-files.ts';
import type { StoreLayout } from './layout.ts';
import { isMissing, tempName, unlinkQuietly } from './temp-file.ts';

const fsyncFd = (fd: number) => new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())));

/**
 * Runs a refs update's steps inside the flush of the store's staged blobs
 * (`FsBlobStore.flushThen`), so blobs and refs share their barriers. Called under the
 * store lock.
 */
export type RefPublisher = (step: FlushStep) => Promise<void>;

/**
 * A version lists the blobs stored with it when they are this few (a commit, a `cp`),
 * which lets their names and its own be made durable by one barrier; larger batches
 * (builds, loads) make the blobs' names durable first.
 */
const MAX_LISTED = 64;

/**
 * Keys of refs.json that are not refs (a ref's name holds no control characters): a
 * version's recovery record. `STORED` + digest: a blob stored with this version.
 * `WAS` + name: the ref's target before this version; `NEW` + name: a ref this version
 * added.
 */
const STORED = '\u0000stored ';
const WAS = '\u0000was ';
const NEW = '\u0000new ';

/** One parsed version of refs.json. */
interface Snapshot {
  /** Inode of the file it was read from; 0n when the file is absent. */
  ino: bigint;
  /** An open descriptor of that file (or -1): holding it keeps its inode number from being reused. */
  fd: number;
  refs: Map<string, Digest>;
  /** Names sorted by code unit, computed on first `list`. */
  sorted?: string[];
  /** Blobs this version was stored with (its recovery record). */
  pinned: Digest[];
}

/**
 * Refs in one file, `refs.json`: a JSON object from name to digest, one ref per line,
 * sorted by name. The file is never changed in place: `update` writes a new version
 * under tmp/, fsyncs it, renames it over refs.json and fsyncs the folder, so a reader
 * sees the old version or the new one, and a crash keeps one of them whole.
 *
 * A version stored with a few new blobs (a commit) starts with a recovery record: the
 * blobs, and each changed ref's previous target. Its name and the blobs' names are then
 * made durable by one barrier instead of two in a row; a crash in that barrier can keep
 * refs.json's new name without some blob's, and a reader that finds a listed blob
 * missing reads the version before it, which the record rebuilds. (That version's
 * blobs were durable before this one was written: updates are serialised.) Garbage
 * collection keeps the listed blobs (`pinned`) while the version stands. Measured here,
 * a commit took about 1 ms less (fastest of 20: 4.8 against 6.0 ms, on a slow disk).
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
  private snap: Snapshot = { ino: -1n, fd: -1, refs: new Map(), pinned: [] };
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
        if (sameRefs(cur.refs, next)) return publish?.({ small: 0, write: () => [], publish: async () => undefined });
        await this.write(cur.refs, next, publish);
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
      this.snap = { ino: -1n, fd: -1, refs: new Map(), pinned: [] };
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
    if (ino === 0n) return this.replace({ ino, fd: -1, refs: new Map(), pinned: [] });
    let fd: number;
    try {
      fd = openSync(this.layout.refsFile, 'r');
    } catch (e) {
      // Removed between stat and open (updates replace it, never remove it): absent means empty.
      if (isMissing(e)) return this.replace({ ino: 0n, fd: -1, refs: new Map(), pinned: [] });
      throw e;
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      const v = parseVersion(readAll(fd, Number(st.size)), this.layout.refsFile);
      // A version whose blobs are not all there was cut short by a crash between its
      // name and theirs reaching the disk: the version before it stands.
      if (v.stored.some((d) => statSync(this.layout.blobPath(d), { throwIfNoEntry: false }) === undefined)) {
        return this.replace({ ino: st.ino, fd, refs: undo(v), pinned: [] });
      }
      return this.replace({ ino: st.ino, fd, refs: v.refs, pinned: v.stored });
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
   * Blobs the current version was stored with: garbage collection keeps them, as a
   * reader checks them to tell a whole version from one a crash cut short.
   */
  async pinned(): Promise<Digest[]> {
    return (await this.current()).pinned;
  }

  /**
   * Write a new refs.json: temp file, fsync (or `publish`, whose barrier covers it),
   * rename over, fsync the folder. Through `publish`, a version stored with a few
   * blobs lists them, and how to undo it (the changed refs' old targets), so its name
   * and the blobs' names can be made durable together.
   */
  private async write(prev: Map<string, Digest>, refs: Map<string, Digest>, publish?: RefPublisher): Promise<void> {
    const sorted = [...refs.keys()].sort(compareNames);
    const tmp = join(this.layout.tmpDir, tempName('refs'));
    let fd = -1;
    let pinned: Digest[] = [];
    let kept = false;
    const writeTemp = (stored: Digest[] | undefined): string[] => {
      pinned = stored ?? [];
      const record = pinned.length ? recoveryRecord(pinned, prev, refs) : [];
      const bytes = Buffer.from(formatRefs(sorted, refs, record), 'utf8');
      fd = this.recycled?.take(tmp, 0o644, true) ?? openSync(tmp, 'wx+', 0o644);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      return [tmp];
    };
    const rename = async (): Promise<string> => {
      const { ino } = fstatSync(fd, { bigint: true });
      renameSync(tmp, this.layout.refsFile);
      // The new version is in place; keep its descriptor as the cache before anything else can fail.
      await this.reload.run(async () => void this.replace({ ino, fd, refs, sorted, pinned }));
      kept = true;
      return this.layout.root;
    };
    try {
      if (publish) {
        await publish({ small: MAX_LISTED, write: writeTemp, publish: rename });
      } else {
        writeTemp(undefined);
        await fsyncFd(fd);
        await fsyncDir(await rename());
      }
      this.recycled?.refill();
    } catch (e) {
      if (!kept && fd >= 0) {
        closeSync(fd);
        unlinkQuietly(tmp);
      }
      throw e;
    }
  }
}

/** The recovery record of a version stored with `stored` that turned `prev` into `next`. */
function recoveryRecord(stored: Digest[], prev: Map<string, Digest>, next: Map<string, Digest>): Array<[string, Digest]> {
  const record: Array<[string, Digest]> = stored.map((d) => [STORED + d, d]);
  for (const [name, d] of next) {
    const was = prev.get(name);
    if (was === undefined) record.push([NEW + name, d]);
    else if (was !== d) record.push([WAS + name, was]);
  }
  for (const [name, was] of prev) if (!next.has(name)) record.push([WAS + name, was]);
  return record.sort((a, b) => compareNames(a[0], b[0]));
}

/** One version of refs.json as read: its refs and its recovery record. */
interface Version {
  refs: Map<string, Digest>;
  stored: Digest[];
  was: Map<string, Digest>;
  added: string[];
}

/** The version before `v`: its changed refs back to their old targets, its new ones gone. */
function undo(v: Version): Map<string, Digest> {
  const refs = new Map(v.refs);
  for (const name of v.added) refs.delete(name);
  for (const [name, d] of v.was) refs.set(name, d);
  return refs;
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

export function formatRefs(sorted: string[], refs: Map<string, Digest>, record: Array<[string, Digest]> = []): string {
  const lines = [...record.map(([k, d]) => `${JSON.stringify(k)}: ${JSON.stringify(d)}`), ...sorted.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(refs.get(n))}`)];
  return lines.length === 0 ? '{}\n' : '{\n' + lines.join(',\n') + '\n}\n';
}

/** Parse refs.json, checking every entry: the file is input from disk. The refs alone, without the recovery record. */
export function parseRefs(text: string, where: string): Map<string, Digest> {
  return parseVersion(text, where).refs;
}

function parseVersion(text: string, where: string): Version {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new DataLossError(`${where}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new DataLossError(`${where}: want a JSON object of name → digest`);
  }
  const v: Version = { refs: new Map(), stored: [], was: new Map(), added: [] };
  for (const [name, value] of Object.entries(obj)) {
    if (!isDigest(value)) throw new DataLossError(`${where}: ref ${JSON.stringify(name)} has invalid target ${JSON.stringify(value)}`);
    if (!name.startsWith('\u0000')) v.refs.set(name, value);
    else if (name.startsWith(STORED)) v.stored.push(value);
    else if (name.startsWith(WAS)) v.was.set(name.slice(WAS.length), value);
    else if (name.startsWith(NEW)) v.added.push(name.slice(NEW.length));
    else throw new DataLossError(`${where}: unknown entry ${JSON.stringify(name)}`);
  }
  return v;
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
