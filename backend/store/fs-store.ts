import { AsyncLocalStorage } from 'node:async_hooks';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FailedPreconditionError } from '../../shared/errors.ts';
import type { Store } from '../../shared/store/store.ts';
import { Mutex } from '../../shared/util/mutex.ts';
import { fsyncDir, fsyncPath } from './durability.ts';
import { FsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.ts';
import { FsRefStore } from './fs-ref-store.ts';
import { LAYOUT_ENTRIES, LAYOUT_VERSION, StoreLayout } from './layout.ts';
import { folderLock, type LockWaitOptions, type ProcessLock } from './process-lock.ts';
import { isMissing, removeStaleTemp, tempName } from './temp-file.ts';

export interface FsStoreOptions extends FsBlobStoreOptions, LockWaitOptions {}

/**
 * A store in a folder (see layout.ts), shared safely by any number of processes.
 *
 * `lock` is exclusive across processes (a kernel-released socket lock, process-lock.ts)
 * and serialises callers within this process. It joins a lock already held by the
 * calling async context, so `refs.update`, which takes the lock itself, may be called
 * inside `lock` or outside it.
 */
export class FsStore implements Store {
  readonly blobs: FsBlobStore;
  readonly refs: FsRefStore;
  readonly location: string;
  private readonly mutex = new Mutex();
  private readonly holding = new AsyncLocalStorage<FsStore>();

  constructor(
    readonly layout: StoreLayout,
    private readonly processLock: ProcessLock,
    private readonly opts: FsStoreOptions = {},
  ) {
    this.location = layout.root;
    this.blobs = new FsBlobStore(layout, opts);
    this.refs = new FsRefStore(layout, (fn) => this.lock(fn));
  }

  lock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holding.getStore() === this) return fn();
    return this.mutex.run(async () => {
      const release = await this.processLock.acquire(this.opts);
      try {
        return await this.holding.run(this, fn);
      } finally {
        await release();
      }
    });
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
  await mkdir(layout.root, { recursive: true });
  const lock = await folderLock(layout.root);
  const store = new FsStore(layout, lock, opts);
  if ((await readVersion(layout)) !== undefined) {
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
  const version = await readVersion(layout);
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
  await removeStaleTemp(layout.tmpDir);
  if (version !== undefined) return;
  // A new store: everything in place and durable, then the version file last, as its mark.
  if (!(await exists(layout.refsFile))) await writeDurably(layout, layout.refsFile, '{}\n');
  await fsyncDir(layout.blobsDir);
  await writeDurably(layout, layout.versionFile, `${LAYOUT_VERSION}\n`);
}

async function readVersion(layout: StoreLayout): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(layout.versionFile, 'utf8');
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
