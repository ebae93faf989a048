import type { Digest } from '../digest/digest.ts';

/**
 * Recently read blobs, by digest, within a byte budget (least recently used go
 * first). Blobs are immutable, so an entry never goes stale. Blobs larger than
 * `maxEntry` are not kept: they are data, read once.
 */
export class BlobCache {
  private readonly entries = new Map<Digest, Uint8Array>();
  private bytes = 0;

  constructor(
    readonly budget = 32 * 1024 * 1024,
    readonly maxEntry = 4 * 1024 * 1024,
  ) {}

  get(d: Digest): Uint8Array | undefined {
    const b = this.entries.get(d);
    if (b) {
      this.entries.delete(d);
      this.entries.set(d, b);
    }
    return b;
  }

  /** Forget a blob (it was deleted from its store). */
  delete(d: Digest): void {
    const b = this.entries.get(d);
    if (!b) return;
    this.entries.delete(d);
    this.bytes -= b.length;
  }

  set(d: Digest, b: Uint8Array): void {
    if (b.length > this.maxEntry || this.entries.has(d)) return;
    this.entries.set(d, b);
    this.bytes += b.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}
