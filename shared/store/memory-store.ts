import type { Digest } from '../digest/digest.ts';
import { sha256 } from '../digest/hasher.ts';
import { host, type ByteStream } from '../host.ts';
import { DigestMismatchError, DataLossError, FailedPreconditionError, NotFoundError } from '../errors.ts';
import type { BlobStore } from './blob-store.ts';
import type { RefStore, RefUpdate } from './ref-store.ts';
import type { Store } from './store.ts';
import { MemoryVolatileRecords } from './volatile-records.ts';
import { Mutex } from '../util/mutex.ts';
import { concatBytes } from '../util/bytes.ts';

/** Blobs in a Map. Staging is kept separate so `discard` behaves as on disk. */
export class MemoryBlobStore implements BlobStore {
  private readonly durable = new Map<Digest, Uint8Array>();
  private readonly staged = new Map<Digest, Uint8Array>();

  private find(d: Digest): Uint8Array | undefined {
    return this.staged.get(d) ?? this.durable.get(d);
  }
  async has(d: Digest): Promise<boolean> {
    return this.find(d) !== undefined;
  }
  async get(d: Digest): Promise<Uint8Array> {
    const b = this.find(d);
    if (!b) throw new NotFoundError(`blob ${d} not found`);
    return b;
  }
  async *stream(d: Digest): ByteStream {
    yield await this.get(d);
  }
  async scan(d: Digest, sink: (chunk: Uint8Array) => void): Promise<number> {
    const b = await this.get(d);
    sink(b);
    return b.length;
  }
  async size(d: Digest): Promise<number> {
    return (await this.get(d)).length;
  }
  async put(bytes: Uint8Array, expected?: Digest, opts?: { adopt?: boolean }): Promise<Digest> {
    const d = sha256(bytes);
    if (expected && expected !== d) throw new DigestMismatchError('blob', expected, d);
    if (!this.find(d)) this.staged.set(d, opts?.adopt ? bytes : bytes.slice());
    return d;
  }
  async ingest(src: ByteStream, expected?: { digest?: Digest; size?: number }) {
    const h = host().sha256();
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const c of src) {
      h.update(c);
      parts.push(c.slice());
      size += c.length;
      if (expected?.size !== undefined && size > expected.size) {
        throw new DataLossError(`blob: more than the expected ${expected.size} bytes`);
      }
    }
    const digest = h.digest();
    if (expected?.size !== undefined && size !== expected.size) {
      throw new DataLossError(`blob ${digest}: size ${size}, expected ${expected.size}`);
    }
    if (expected?.digest && expected.digest !== digest) throw new DigestMismatchError('blob', expected.digest, digest);
    if (!this.find(digest)) this.staged.set(digest, concatBytes(parts, size));
    return { digest, size };
  }
  async flush(): Promise<void> {
    for (const [d, b] of this.staged) this.durable.set(d, b);
    this.staged.clear();
  }
  async discard(): Promise<void> {
    this.staged.clear();
  }
  async delete(d: Digest): Promise<void> {
    this.durable.delete(d);
  }
  async *list(): AsyncIterable<Digest> {
    yield* [...this.durable.keys()];
  }
}

export class MemoryRefStore implements RefStore {
  private readonly refs = new Map<string, Digest>();
  async get(name: string): Promise<Digest | undefined> {
    return this.refs.get(name);
  }
  async list(prefix: string): Promise<Array<[string, Digest]>> {
    return [...this.refs].filter(([n]) => n.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  async update(updates: RefUpdate[]): Promise<void> {
    for (const u of updates) {
      if (u.expect === undefined) continue;
      const cur = this.refs.get(u.name) ?? null;
      if (cur !== u.expect) throw new FailedPreconditionError(`ref ${u.name} changed concurrently`);
    }
    for (const u of updates) {
      if (u.value === null) this.refs.delete(u.name);
      else this.refs.set(u.name, u.value);
    }
  }
}

export class MemoryStore implements Store {
  readonly blobs = new MemoryBlobStore();
  readonly refs = new MemoryRefStore();
  readonly volatile = new MemoryVolatileRecords();
  readonly location = 'memory';
  private readonly mutex = new Mutex();
  lock<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(fn);
  }
}
