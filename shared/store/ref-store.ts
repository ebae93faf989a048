import type { Digest } from '../digest/digest.ts';

/**
 * Names pointing at digests: tags, image records, containers, volumes, cache entries.
 * Names are `<namespace>/<key>` (e.g. `tag/docker.io/library/box:latest`). Updates are
 * applied all together or not at all, each guarded by an optional compare-and-set.
 */
export interface RefUpdate {
  name: string;
  /** The new target, or null to delete. */
  value: Digest | null;
  /** When present: the update applies only if the current target equals this (null = absent). */
  expect?: Digest | null;
}

export interface RefStore {
  get(name: string): Promise<Digest | undefined>;
  /** Every ref whose name starts with `prefix`, sorted by name. */
  list(prefix: string): Promise<Array<[string, Digest]>>;
  /** Apply all updates atomically; a failed `expect` throws FailedPreconditionError and applies none. */
  update(updates: RefUpdate[]): Promise<void>;
  /**
   * Optional: blobs the store itself needs kept, whether or not a ref reaches them (a
   * disk store checks the blobs its current refs file carries a copy of). Garbage
   * collection treats them as live.
   */
  pinned?(): Promise<Digest[]>;
}
