import { readdirSync, readFileSync, statSync } from 'node:fs';
import { access, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FailedPreconditionError } from '../../shared/errors.ts';
import type { RefUpdate } from '../../shared/store/ref-store.ts';
import type { Store } from '../../shared/store/store.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { fsyncDir, fsyncPath, prepareSyncfs } from './durability.ts';
import { FsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.ts';
import { FsRefStore } from './fs-ref-store.ts';
import { FsVolatileRecords } from './fs-volatile-records.ts';
import { RecycledFiles } from './recycled-files.ts';
import { LAYOUT_ENTRIES, LAYOUT_VERSION, StoreLayout } from './layout.ts';
import { folderLock, type LockWaitOptions, type ProcessLock } from './process-lock.ts';
import { isMissing, removeStaleTemp, tempName } from './temp-file.ts';

export interface FsStoreOptions extends Omit<FsBlobStoreOptions, 'recycled'>, LockWaitOptions {
  /**
   * Empty files to keep made ahead in recycled/ (see RecycledFiles): for a long-lived
   * process, whose next operation then allocates no inodes. Default 0.
   */
  spareFiles?: number;
}

/**
 * A store in a folder (see layout.ts), shared safely by any number of processes.
 *
 * `lock` is exclusive across processes (a kernel-released socket lock, process-lock.ts)
 * and serialises callers within this process; it is not re-entrant. `refs.update` takes
 * the lock itself unless this store holds it already: called inside `lock`, it joins
 * the held lock; called from elsewhere in this process while another caller holds it,
 * it is applied at once, atomically, under that lock, which is released only after
 * it. (Tracking the holder's async context instead, with AsyncLocalStorage, turns on
 * promise hooks in Node 20, which slowed every operation under the lock.)
 */
export class FsStore implements Store {
  readonly blobs: FsBlobStore;
  readonly refs: FsRefStore;
  readonly volatile: FsVolatileRecords;
  readonly location: string;
  private readonly mutex = new Mutex();
  /** Whether this store holds the process lock. */
  private held = false;

  constructor(
    readonly layout: StoreLayout,
    private readonly processLock: ProcessLock,
    private readonly opts: FsStoreOptions = {},
  ) {
    this.location = layout.root;
    const recycled = new RecycledFiles(layout.recycledDir, opts.spareFiles);
    this.blobs = new FsBlobStore(layout, { ...opts, recycled });
    this.refs = new FsRefStore(layout, (fn) => (this.held ? fn() : this.lock(fn)), recycled, this.blobs);
    this.volatile = new FsVolatileRecords(layout);
  }

  lock<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const release = await this.processLock.acquire(this.opts);
      this.held = true;
      this.refs.held(true);
      try {
        return await fn();
      } finally {
        // Ref updates that joined the lock finish before it is released; later ones take it.
        this.held = false;
        await this.refs.settled();
        this.refs.held(false);
        await release();
      }
    });
  }

  /**
   * Make the staged blobs durable and apply `updates` atomically: the bytes of the new
   * blobs and of the new refs.json behind one barrier, then their names behind a
   * second (a third in between, for the blobs' names, when a batch is too large for
   * refs.json to list; see FsRefStore). A failed compare-and-set throws before anything
   * is flushed. Joins the lock when the caller holds it.
   */
  async commit(updates: RefUpdate[]): Promise<void> {
    await this.refs.update(updates, (step) => this.blobs.flushThen(step));
  }

  /** Drop unflushed blobs and release cached descriptors. */
  async close(): Promise<void> {
    await this.blobs.discard();
    await this.refs.close();
  }
}

/**
 * Open the store at `root`, creating the folder and its layout if absent. A non-empty
 * folder that is not a store is refused rather than written into.
 *
 * Temp files left by processes that died (kill -9, power loss) are removed here, under
 * the lock. If another process holds the lock, an existing store opens without waiting
 * and the cleaning is left to a later open.
 */
export async function openFsStore(root: string, opts: FsStoreOptions = {}): Promise<FsStore> {
  const layout = new StoreLayout(root);
  // An existing store (the common case) is recognised with synchronous calls of
  // microseconds; only a new or unfinished one goes the long way.
  const existing = readVersion(layout) !== undefined;
  if (!existing) await mkdir(layout.root, { recursive: true });
  const lock = await folderLock(layout.root);
  const store = new FsStore(layout, lock, opts);
  // A long-lived process (one that keeps spare files) starts the syncfs helper now, while
  // it is small to fork: the blobs of its commits then reach the disk by one syncfs each.
  if (opts.spareFiles) prepareSyncfs();
  if (existing) {
    // Nothing to clean or create: no need for the lock.
    if (layoutComplete(layout) && tempCount(layout) === 0) return store;
    const release = await lock.tryAcquire();
    if (release) {
      try {
        await ensureLayout(layout);
      } finally {
        await release();
      }
    }
    return store;
  }
  await store.lock(() => ensureLayout(layout));
  return store;
}

/** Create what is missing and clean stale temp files. Run under the lock. */
async function ensureLayout(layout: StoreLayout): Promise<void> {
  const version = readVersion(layout);
  if (version === undefined) {
    const strangers = (await readdir(layout.root)).filter((n) => !LAYOUT_ENTRIES.has(n));
    if (strangers.length) {
      throw new FailedPreconditionError(
        `${layout.root} is not empty and holds no layerbox store (found ${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ', …' : ''})`,
      );
    }
  }
  await mkdir(layout.sha256Dir, { recursive: true });
  await mkdir(layout.tmpDir, { recursive: true });
  await mkdir(layout.recycledDir, { recursive: true });
  await removeStaleTemp(layout.tmpDir);
  if (version !== undefined) return;
  // A new store: everything in place and durable, then the version file last, as its mark.
  if (!(await exists(layout.refsFile))) await writeDurably(layout, layout.refsFile, '{}\n');
  await fsyncDir(layout.blobsDir);
  await writeDurably(layout, layout.versionFile, `${LAYOUT_VERSION}\n`);
}

function readVersion(layout: StoreLayout): number | undefined {
  let text: string;
  try {
    text = readFileSync(layout.versionFile, 'utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  const v = Number(text.trim());
  if (v !== LAYOUT_VERSION) {
    throw new FailedPreconditionError(
      `${layout.versionFile}: layout version ${JSON.stringify(text.trim())}; this layerbox reads version ${LAYOUT_VERSION}`,
    );
  }
  return v;
}

/** Whether blobs/sha256 and tmp/ are there. */
function layoutComplete(layout: StoreLayout): boolean {
  return statSync(layout.sha256Dir, { throwIfNoEntry: false })?.isDirectory() === true && statSync(layout.tmpDir, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** Entries in tmp/ (files being written, or left by processes that died). */
function tempCount(layout: StoreLayout): number {
  return readdirSync(layout.tmpDir).length;
}

async function writeDurably(layout: StoreLayout, target: string, text: string): Promise<void> {
  const tmp = join(layout.tmpDir, tempName('new'));
  await writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
  await fsyncPath(tmp);
  await rename(tmp, target);
  await fsyncDir(layout.root);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}
