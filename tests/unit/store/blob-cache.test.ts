import { describe, expect, it } from 'vitest';
import type { Digest } from '../../../shared/digest/digest.ts';
import { BlobCache } from '../../../shared/store/blob-cache.ts';

const d = (n: number) => `sha256:${String(n).padStart(64, '0')}` as Digest;
const bytes = (n: number) => new Uint8Array(n);

describe('blob cache', () => {
  it('keeps blobs within its budget, the least recently used going first', () => {
    const c = new BlobCache(30, 20);
    c.set(d(1), bytes(10));
    c.set(d(2), bytes(10));
    c.get(d(1));
    c.set(d(3), bytes(15));
    expect(c.get(d(2))).toBeUndefined();
    expect(c.get(d(1))?.length).toBe(10);
    expect(c.get(d(3))?.length).toBe(15);
  });

  it('keeps no blob larger than its entry limit, and forgets a deleted one', () => {
    const c = new BlobCache(100, 20);
    c.set(d(1), bytes(21));
    expect(c.get(d(1))).toBeUndefined();
    c.set(d(2), bytes(20));
    c.delete(d(2));
    expect(c.get(d(2))).toBeUndefined();
    // The deleted blob's bytes no longer count against the budget.
    for (let i = 3; i < 8; i++) c.set(d(i), bytes(20));
    expect(c.get(d(3))?.length).toBe(20);
  });
});
