/**
 * Records kept beside the durable refs that need not outlive a machine crash: a `--rm`
 * container's state, which goes when the container exits. A write is atomic (readers
 * see the old record or the new one) and visible to other processes at once, but waits
 * for no durability barrier; after a power cut a record may be gone, which for such a
 * record is what its owner would have done anyway. Writers hold the store lock. A
 * record may name blobs only once they are flushed.
 *
 * Names are `<namespace>/<key>`, the key without `/`.
 */
export interface VolatileRecords {
  get(name: string): Promise<Uint8Array | undefined>;
  /** Every record whose name starts with `prefix` (a namespace and its `/`), sorted by name. */
  list(prefix: string): Promise<Array<[string, Uint8Array]>>;
  put(name: string, value: Uint8Array): Promise<void>;
  /** Remove a record; removing one that is not there is no error. */
  delete(name: string): Promise<void>;
}

export class MemoryVolatileRecords implements VolatileRecords {
  private readonly records = new Map<string, Uint8Array>();
  async get(name: string): Promise<Uint8Array | undefined> {
    return this.records.get(name);
  }
  async list(prefix: string): Promise<Array<[string, Uint8Array]>> {
    return [...this.records].filter(([n]) => n.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  async put(name: string, value: Uint8Array): Promise<void> {
    this.records.set(name, value.slice());
  }
  async delete(name: string): Promise<void> {
    this.records.delete(name);
  }
}
