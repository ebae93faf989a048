import type { Digest } from '../digest/digest.ts';
import { host } from '../host.ts';
import { commitRefs, type Store } from '../store/store.ts';
import { TreeStore } from '../tree/tree-store.ts';
import { parseJson } from '../image/records.ts';
import { NotFoundError } from '../errors.ts';
import type { Catalog } from './catalog.ts';

/** Limits applied to everything that enters the store from outside. */
export interface Limits {
  /** Largest uncompressed size of one archive or layer, bytes. */
  maxUncompressed: number;
  /** Largest ratio of uncompressed to compressed bytes, checked past `ratioGrace` bytes. */
  maxRatio: number;
  ratioGrace: number;
  /** Most entries in one layer. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxUncompressed: 16 * 1024 ** 3,
  maxRatio: 1000,
  ratioGrace: 64 * 1024 ** 2,
  maxEntries: 2_000_000,
};

export interface EngineOptions {
  limits?: Partial<Limits>;
  /** A fixed clock (ms since epoch), for reproducible tests. */
  now?: () => number;
  /** Built-in images this host can make (see catalog.ts). */
  catalog?: Catalog;
}

/**
 * The layerbox engine: images, layers, containers and volumes over one Store. It holds
 * no state of its own beyond caches; every fact lives in the store, so several engines
 * (CLI processes, a worker, a server) can share one store.
 */
export class Engine {
  readonly trees: TreeStore;
  readonly limits: Limits;
  readonly catalog: Catalog | undefined;
  private readonly clock: () => number;

  constructor(
    readonly store: Store,
    opts: EngineOptions = {},
  ) {
    this.trees = new TreeStore(store.blobs);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.catalog = opts.catalog;
    this.clock = opts.now ?? (() => host().now());
  }

  get blobs() {
    return this.store.blobs;
  }
  get refs() {
    return this.store.refs;
  }

  now(): number {
    return this.clock();
  }

  /** RFC 3339 time as Docker writes it. */
  timestamp(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  async readJson<T>(d: Digest, what: string): Promise<T> {
    let bytes: Uint8Array;
    try {
      bytes = await this.blobs.get(d);
    } catch (e) {
      throw new NotFoundError(`${what}: blob ${d} is missing from the store (run 'layerbox system check')`, { cause: e });
    }
    return parseJson(bytes, what) as T;
  }

  async putJson(value: unknown): Promise<Digest> {
    return this.blobs.put(new TextEncoder().encode(JSON.stringify(value)));
  }

  /**
   * Run a mutating operation: under the store's writer lock; staged blobs are flushed
   * only if it succeeds (the operation flips its refs after a `flush`), and discarded if
   * it fails, so a failed operation leaves the store as it was.
   */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    return this.store.lock(async () => {
      try {
        return await fn();
      } finally {
        await this.blobs.discard();
      }
    });
  }

  /** Make staged blobs durable, then apply ref updates atomically. */
  async commitRefs(updates: Parameters<Store['refs']['update']>[0]): Promise<void> {
    await commitRefs(this.store, updates);
  }
}
