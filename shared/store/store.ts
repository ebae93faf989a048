import type { BlobStore } from './blob-store.ts';
import type { RefStore, RefUpdate } from './ref-store.ts';
import type { VolatileRecords } from './volatile-records.ts';

/**
 * One layerbox store: blobs, refs and a writer lock. Mutating operations run inside
 * `lock`, so two processes sharing a store never interleave their writes. Readers do not
 * take the lock: refs change atomically and blobs never change.
 */
export interface Store {
  readonly blobs: BlobStore;
  readonly refs: RefStore;
  /** Run `fn` holding the store's exclusive writer lock. */
  lock<T>(fn: () => Promise<T>): Promise<T>;
  /** Optional: records that need no durability barrier (see volatile-records.ts). */
  readonly volatile?: VolatileRecords;
  /** Where the store lives, for messages (`memory`, a folder path, `indexeddb:name`). */
  readonly location: string;
  /**
   * Optional: `blobs.flush()` then `refs.update(updates)` as one step, for stores that
   * can make both durable with fewer barriers than the two calls in a row. Same
   * contract: a crash leaves the old refs or the new ones, never a ref to a missing blob,
   * and a failed compare-and-set applies no update. Use `commitRefs`, which falls back
   * to the two calls.
   */
  commit?(updates: RefUpdate[]): Promise<void>;
}

/** Make every staged blob durable, then apply `updates` atomically (see `Store.commit`). */
export async function commitRefs(store: Store, updates: RefUpdate[]): Promise<void> {
  if (store.commit) return store.commit(updates);
  await store.blobs.flush();
  await store.refs.update(updates);
}
