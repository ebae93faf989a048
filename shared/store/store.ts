import type { BlobStore } from './blob-store.ts';
import type { RefStore } from './ref-store.ts';

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
  /** Where the store lives, for messages (`memory`, a folder path, `indexeddb:name`). */
  readonly location: string;
}
