import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../shared/digest/hasher.ts';
import type { Digest } from '../../shared/digest/digest.ts';
import { DataLossError, DigestMismatchError, FailedPreconditionError, NotFoundError } from '../../shared/errors.ts';
import type { ByteStream } from '../../shared/host.ts';
import type { Store } from '../../shared/store/store.ts';

export interface StoreSuiteOptions {
  /**
   * Open a second handle on the same storage, as another process would. Stores that
   * cannot be reopened (memory) leave it out and the persistence tests are skipped.
   */
  reopen?: (store: Store) => Promise<Store>;
  /** Release what `makeStore` made. */
  destroy?: (store: Store) => Promise<void>;
}

/** Deterministic bytes: the same (seed, n) always gives the same content. */
export function bytesOf(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

async function* chunks(...parts: Uint8Array[]): ByteStream {
  for (const p of parts) yield p;
}

async function collect(s: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of s) parts.push(c.slice());
  return concat(...parts);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function listAll(store: Store): Promise<Digest[]> {
  const out: Digest[] = [];
  for await (const d of store.blobs.list()) out.push(d);
  return out.sort();
}

/** Byte equality that stays fast for megabytes (toEqual walks typed arrays slowly) and says where they differ. */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  let i = 0;
  const n = Math.min(actual.length, expected.length);
  while (i < n && actual[i] === expected[i]) i++;
  if (i < n || actual.length !== expected.length) {
    expect.fail(`bytes differ at offset ${i} (lengths ${actual.length} and ${expected.length})`);
  }
}

/** A digest no test ever stores. */
const absent = sha256('never stored');

/**
 * The contract of `Store` (BlobStore + RefStore + lock), run against every adapter.
 * `makeStore` returns a fresh, empty store for each test.
 */
export function storeSuite(name: string, makeStore: () => Promise<Store>, opts: StoreSuiteOptions = {}): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    const opened: Store[] = [];
    beforeEach(async () => {
      store = await makeStore();
      opened.push(store);
    });
    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) await opts.destroy?.(s);
    });
    const reopen = async () => {
      const s = await opts.reopen!(store);
      opened.push(s);
      return s;
    };

    describe('blobs', () => {
      it('put returns the sha256 of the bytes; get, has, size and stream read them back', async () => {
        const b = bytesOf(1, 1000);
        const d = await store.blobs.put(b);
        expect(d).toBe(sha256(b));
        expect(await store.blobs.has(d)).toBe(true);
        expectBytes(await store.blobs.get(d), b);
        expect(await store.blobs.size(d)).toBe(1000);
        expectBytes(await collect(store.blobs.stream(d)), b);
      });

      it('stores the empty blob', async () => {
        const d = await store.blobs.put(new Uint8Array(0));
        expect(d).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
        await store.blobs.flush();
        expect(await store.blobs.size(d)).toBe(0);
        expectBytes(await store.blobs.get(d), new Uint8Array(0));
        expectBytes(await collect(store.blobs.stream(d)), new Uint8Array(0));
      });

      it('a stored blob does not change when the caller reuses its buffer', async () => {
        const b = bytesOf(2, 64);
        const copy = b.slice();
        const d = await store.blobs.put(b);
        b.fill(0);
        expectBytes(await store.blobs.get(d), copy);
        await store.blobs.flush();
        expectBytes(await store.blobs.get(d), copy);
      });

      it('streams a multi-megabyte blob intact', async () => {
        const b = bytesOf(3, 3 * 1024 * 1024 + 17);
        const d = await store.blobs.put(b);
        await store.blobs.flush();
        expectBytes(await collect(store.blobs.stream(d)), b);
        expect(await store.blobs.size(d)).toBe(b.length);
      });

      it('a missing blob: has is false; get, size and stream throw NotFoundError', async () => {
        expect(await store.blobs.has(absent)).toBe(false);
        await expect(store.blobs.get(absent)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.blobs.size(absent)).rejects.toBeInstanceOf(NotFoundError);
        await expect(collect(store.blobs.stream(absent))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('put is idempotent: same digest, one blob', async () => {
        const b = bytesOf(4, 100);
        const d1 = await store.blobs.put(b);
        const d2 = await store.blobs.put(b.slice());
        await store.blobs.flush();
        const d3 = await store.blobs.put(b);
        await store.blobs.flush();
        expect(d2).toBe(d1);
        expect(d3).toBe(d1);
        expect(await listAll(store)).toEqual([d1]);
        expectBytes(await store.blobs.get(d1), b);
      });

      it('put with the right expected digest stores; a wrong one throws DigestMismatchError and stores nothing', async () => {
        const b = bytesOf(5, 100);
        expect(await store.blobs.put(b, sha256(b))).toBe(sha256(b));
        const other = bytesOf(6, 100);
        const err = await store.blobs.put(other, absent).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DigestMismatchError);
        expect((err as DigestMismatchError).expected).toBe(absent);
        expect((err as DigestMismatchError).actual).toBe(sha256(other));
        expect(await store.blobs.has(sha256(other))).toBe(false);
        expect(await store.blobs.has(absent)).toBe(false);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([sha256(b)]);
      });
    });

    describe('ingest', () => {
      it('gives back exactly what a long multi-chunk stream held, before and after flush', async () => {
        // 3 MiB in 64 KiB chunks: longer than any write buffer, shorter than any in-memory limit.
        const chunks = Array.from({ length: 48 }, (_, i) => bytesOf(200 + i, 64 * 1024));
        const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        chunks.reduce((o, c) => (whole.set(c, o), o + c.length), 0);
        const { digest, size } = await store.blobs.ingest((async function* () { yield* chunks; })());
        expect(size).toBe(whole.length);
        const read = async () => {
          const parts: Uint8Array[] = [];
          for await (const c of store.blobs.stream(digest)) parts.push(c.slice());
          return Buffer.concat(parts);
        };
        expect(Buffer.from(await store.blobs.get(digest)).equals(Buffer.from(whole))).toBe(true);
        expect((await read()).equals(Buffer.from(whole))).toBe(true);
        await store.blobs.flush();
        expect(Buffer.from(await store.blobs.get(digest)).equals(Buffer.from(whole))).toBe(true);
        expect((await read()).equals(Buffer.from(whole))).toBe(true);
      });

      const a = bytesOf(10, 70_000);
      const b = bytesOf(11, 5);
      const c = bytesOf(12, 300_000);
      const whole = concat(a, b, c);

      it('stores a stream of chunks and reports digest and size', async () => {
        const r = await store.blobs.ingest(chunks(a, b, new Uint8Array(0), c));
        expect(r).toEqual({ digest: sha256(whole), size: whole.length });
        expectBytes(await store.blobs.get(r.digest), whole);
        await store.blobs.flush();
        expectBytes(await store.blobs.get(r.digest), whole);
      });

      it('copies each chunk: a producer that reuses its buffer does not corrupt the blob', async () => {
        const buf = new Uint8Array(1000);
        const expected: number[] = [];
        async function* reusing(): ByteStream {
          for (let i = 0; i < 50; i++) {
            buf.fill(i);
            for (let j = 0; j < buf.length; j++) expected.push(i);
            yield buf;
          }
        }
        const r = await store.blobs.ingest(reusing());
        expect(r.digest).toBe(sha256(new Uint8Array(expected)));
        await store.blobs.flush();
        expectBytes(await store.blobs.get(r.digest), new Uint8Array(expected));
      });

      it('accepts a matching expected digest and size', async () => {
        const r = await store.blobs.ingest(chunks(a, b, c), { digest: sha256(whole), size: whole.length });
        expect(r).toEqual({ digest: sha256(whole), size: whole.length });
        expect(await store.blobs.has(sha256(whole))).toBe(true);
      });

      it('a wrong expected digest throws DigestMismatchError and leaves nothing', async () => {
        const err = await store.blobs.ingest(chunks(a, b, c), { digest: absent }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DigestMismatchError);
        expect((err as DigestMismatchError).actual).toBe(sha256(whole));
        expect(await store.blobs.has(sha256(whole))).toBe(false);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([]);
      });

      it('more bytes than the expected size throw DataLossError and leave nothing', async () => {
        const err = await store.blobs.ingest(chunks(a, b, c), { size: whole.length - 1 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataLossError);
        expect(await store.blobs.has(sha256(whole))).toBe(false);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([]);
      });

      it('fewer bytes than the expected size throw DataLossError and leave nothing', async () => {
        const err = await store.blobs
          .ingest(chunks(a, b), { digest: sha256(whole), size: whole.length })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataLossError);
        expect(await store.blobs.has(sha256(concat(a, b)))).toBe(false);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([]);
      });

      it('a stream that fails midway leaves nothing', async () => {
        async function* failing(): ByteStream {
          yield a;
          throw new Error('network gone');
        }
        await expect(store.blobs.ingest(failing())).rejects.toThrow('network gone');
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([]);
      });

      it('ingesting a blob already stored still verifies the stream', async () => {
        await store.blobs.put(whole);
        await store.blobs.flush();
        expect(await store.blobs.ingest(chunks(a, b, c), { digest: sha256(whole) })).toEqual({
          digest: sha256(whole),
          size: whole.length,
        });
        await expect(store.blobs.ingest(chunks(a, b), { digest: sha256(whole) })).rejects.toBeInstanceOf(DataLossError);
        await expect(
          store.blobs.ingest(chunks(a, b, c), { digest: sha256(whole), size: whole.length + 1 }),
        ).rejects.toBeInstanceOf(DataLossError);
        expectBytes(await store.blobs.get(sha256(whole)), whole);
      });
    });

    describe('staging, flush and discard', () => {
      it('a staged blob is readable at once and listed only after flush', async () => {
        const d = await store.blobs.put(bytesOf(20, 10));
        expect(await store.blobs.has(d)).toBe(true);
        expect(await listAll(store)).toEqual([]);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([d]);
        expectBytes(await store.blobs.get(d), bytesOf(20, 10));
      });

      it('flush with nothing staged does nothing', async () => {
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([]);
      });

      it('discard drops every staged blob and keeps flushed ones', async () => {
        const kept = await store.blobs.put(bytesOf(21, 10));
        await store.blobs.flush();
        const dropped = await store.blobs.put(bytesOf(22, 10));
        const dropped2 = (await store.blobs.ingest(chunks(bytesOf(23, 10)))).digest;
        await store.blobs.put(bytesOf(21, 10));
        await store.blobs.discard();
        expect(await store.blobs.has(dropped)).toBe(false);
        expect(await store.blobs.has(dropped2)).toBe(false);
        await expect(store.blobs.get(dropped)).rejects.toBeInstanceOf(NotFoundError);
        expectBytes(await store.blobs.get(kept), bytesOf(21, 10));
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([kept]);
      });

      it('blobs read while a flush runs are always found', async () => {
        const bs = Array.from({ length: 40 }, (_, i) => bytesOf(100 + i, 2000));
        const ds = await Promise.all(bs.map((b) => store.blobs.put(b)));
        const flushing = store.blobs.flush();
        const reads = await Promise.all(ds.map((d) => store.blobs.get(d)));
        await flushing;
        reads.forEach((r, i) => expectBytes(r, bs[i]!));
        expect(await listAll(store)).toEqual([...ds].sort());
      });

      it('many concurrent puts, one flush', async () => {
        const bs = Array.from({ length: 100 }, (_, i) => bytesOf(200 + i, 100 + i));
        const ds = await Promise.all(bs.map((b) => store.blobs.put(b)));
        await store.blobs.flush();
        expect(await listAll(store)).toEqual(ds.map((d) => d).sort());
        for (let i = 0; i < bs.length; i++) expectBytes(await store.blobs.get(ds[i]!), bs[i]);
      });
    });

    describe('delete and list', () => {
      it('delete removes a stored blob; deleting a missing blob is fine', async () => {
        const d1 = await store.blobs.put(bytesOf(30, 10));
        const d2 = await store.blobs.put(bytesOf(31, 10));
        await store.blobs.flush();
        await store.blobs.delete(d1);
        await store.blobs.delete(absent);
        expect(await store.blobs.has(d1)).toBe(false);
        await expect(store.blobs.get(d1)).rejects.toBeInstanceOf(NotFoundError);
        expect(await listAll(store)).toEqual([d2]);
        // A deleted blob can be stored again.
        expect(await store.blobs.put(bytesOf(30, 10))).toBe(d1);
        await store.blobs.flush();
        expect(await listAll(store)).toEqual([d1, d2].sort());
      });

      it('list yields every flushed blob once', async () => {
        const ds = new Set<Digest>();
        for (let i = 0; i < 25; i++) ds.add(await store.blobs.put(bytesOf(40 + (i % 20), 50)));
        await store.blobs.flush();
        expect(ds.size).toBe(20);
        expect(await listAll(store)).toEqual([...ds].sort());
      });
    });

    describe('refs', () => {
      const d1 = sha256('one');
      const d2 = sha256('two');
      const d3 = sha256('three');

      it('get of an unknown ref is undefined; update sets, replaces and deletes', async () => {
        expect(await store.refs.get('tag/x')).toBeUndefined();
        await store.refs.update([{ name: 'tag/x', value: d1 }]);
        expect(await store.refs.get('tag/x')).toBe(d1);
        await store.refs.update([{ name: 'tag/x', value: d2 }]);
        expect(await store.refs.get('tag/x')).toBe(d2);
        await store.refs.update([{ name: 'tag/x', value: null }]);
        expect(await store.refs.get('tag/x')).toBeUndefined();
        await store.refs.update([{ name: 'tag/x', value: null }]);
        expect(await store.refs.list('')).toEqual([]);
      });

      it('list returns the refs under a prefix, sorted by name', async () => {
        const names = ['tag/b', 'tag/a/b', 'image/z', 'tag/a', 'tagz', 'tag/B', 'tag0', 'tag/é', 'tag/a0'];
        await store.refs.update(names.map((name, i) => ({ name, value: [d1, d2, d3][i % 3]! })));
        const tags = await store.refs.list('tag/');
        expect(tags.map(([n]) => n)).toEqual(['tag/B', 'tag/a', 'tag/a/b', 'tag/a0', 'tag/b', 'tag/é']);
        expect(tags.find(([n]) => n === 'tag/a')![1]).toBe(d1);
        expect((await store.refs.list('tag')).map(([n]) => n)).toEqual([
          'tag/B', 'tag/a', 'tag/a/b', 'tag/a0', 'tag/b', 'tag/é', 'tag0', 'tagz',
        ]);
        expect((await store.refs.list('')).length).toBe(names.length);
        expect(await store.refs.list('nothing/')).toEqual([]);
        expect(await store.refs.list('tag/a/b')).toEqual([['tag/a/b', d2]]);
      });

      it('expect: null means absent, a digest means exactly that target', async () => {
        await store.refs.update([{ name: 'r', value: d1, expect: null }]);
        await expect(store.refs.update([{ name: 'r', value: d2, expect: null }])).rejects.toBeInstanceOf(
          FailedPreconditionError,
        );
        await expect(store.refs.update([{ name: 'r', value: d2, expect: d3 }])).rejects.toBeInstanceOf(
          FailedPreconditionError,
        );
        expect(await store.refs.get('r')).toBe(d1);
        await store.refs.update([{ name: 'r', value: d2, expect: d1 }]);
        expect(await store.refs.get('r')).toBe(d2);
        await store.refs.update([{ name: 'r', value: null, expect: d2 }]);
        expect(await store.refs.get('r')).toBeUndefined();
      });

      it('a batch applies all or nothing', async () => {
        await store.refs.update([
          { name: 'a', value: d1 },
          { name: 'b', value: d1 },
        ]);
        await expect(
          store.refs.update([
            { name: 'a', value: d2, expect: d1 },
            { name: 'c', value: d2 },
            { name: 'b', value: null, expect: d3 },
          ]),
        ).rejects.toBeInstanceOf(FailedPreconditionError);
        expect(await store.refs.list('')).toEqual([
          ['a', d1],
          ['b', d1],
        ]);
        await store.refs.update([
          { name: 'a', value: d2, expect: d1 },
          { name: 'c', value: d2, expect: null },
          { name: 'b', value: null, expect: d1 },
        ]);
        expect(await store.refs.list('')).toEqual([
          ['a', d2],
          ['c', d2],
        ]);
      });

      it('concurrent updates all apply, inside the lock and outside it', async () => {
        await Promise.all(Array.from({ length: 10 }, (_, i) => store.refs.update([{ name: `out/${i}`, value: d1 }])));
        await store.lock(() =>
          Promise.all(Array.from({ length: 10 }, (_, i) => store.refs.update([{ name: `in/${i}`, value: d2, expect: null }]))),
        );
        expect((await store.refs.list('out/')).length).toBe(10);
        expect((await store.refs.list('in/')).map(([, d]) => d)).toEqual(Array(10).fill(d2));
      });

      it('keeps thousands of refs', async () => {
        const n = 3000;
        await store.refs.update(Array.from({ length: n }, (_, i) => ({ name: `cache/${String(i).padStart(5, '0')}`, value: d1 })));
        for (let i = 0; i < 20; i++) await store.refs.update([{ name: `tag/${i}`, value: d2, expect: null }]);
        const cache = await store.refs.list('cache/');
        expect(cache.length).toBe(n);
        expect(cache[0]).toEqual(['cache/00000', d1]);
        expect(cache[n - 1]).toEqual([`cache/${String(n - 1).padStart(5, '0')}`, d1]);
        expect((await store.refs.list('tag/')).length).toBe(20);
        expect(await store.refs.get('cache/01234')).toBe(d1);
      });
    });

    describe('lock', () => {
      it('runs callers one at a time and returns their results', async () => {
        let active = 0;
        let most = 0;
        const order: number[] = [];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.lock(async () => {
              active++;
              most = Math.max(most, active);
              order.push(i);
              for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 0));
              active--;
              return i * 10;
            }),
          ),
        );
        expect(most).toBe(1);
        expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
        expect(order.length).toBe(8);
      });

      it('keeps read-modify-write sequences whole', async () => {
        const counter = 'test/counter';
        const bump = () =>
          store.lock(async () => {
            const cur = await store.refs.get(counter);
            const n = cur ? Number(new TextDecoder().decode(await store.blobs.get(cur))) : 0;
            const next = await store.blobs.put(text(String(n + 1)));
            await store.blobs.flush();
            await store.refs.update([{ name: counter, value: next }]);
          });
        await Promise.all(Array.from({ length: 10 }, bump));
        const final = await store.refs.get(counter);
        expect(new TextDecoder().decode(await store.blobs.get(final!))).toBe('10');
      });

      it('is released when the holder throws', async () => {
        await expect(store.lock(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
        expect(await store.lock(async () => 'next')).toBe('next');
      });
    });

    // Only stores that can be opened twice (on disk) have a persistence section at all.
    if (opts.reopen !== undefined) describe('persistence (a second handle on the same storage)', () => {
      it('sees flushed blobs and updated refs, not staged ones', async () => {
        const flushed = await store.blobs.put(bytesOf(50, 100));
        await store.blobs.flush();
        const staged = await store.blobs.put(bytesOf(51, 100));
        await store.refs.update([{ name: 'tag/p', value: flushed }]);
        const other = await reopen();
        expectBytes(await other.blobs.get(flushed), bytesOf(50, 100));
        expect(await other.blobs.has(staged)).toBe(false);
        expect(await other.refs.get('tag/p')).toBe(flushed);
        await store.blobs.flush();
        expectBytes(await other.blobs.get(staged), bytesOf(51, 100));
      });

      it('sees ref updates made through the first handle after it has read', async () => {
        const other = await reopen();
        expect(await other.refs.get('tag/q')).toBeUndefined();
        await store.refs.update([{ name: 'tag/q', value: sha256('q1') }]);
        expect(await other.refs.get('tag/q')).toBe(sha256('q1'));
        await other.refs.update([{ name: 'tag/q', value: sha256('q2'), expect: sha256('q1') }]);
        expect(await store.refs.get('tag/q')).toBe(sha256('q2'));
        await expect(store.refs.update([{ name: 'tag/q', value: sha256('q3'), expect: sha256('q1') }])).rejects.toBeInstanceOf(
          FailedPreconditionError,
        );
        expect(await other.refs.list('tag/')).toEqual([['tag/q', sha256('q2')]]);
      });

      it('a discarded blob never reaches the other handle', async () => {
        const d = await store.blobs.put(bytesOf(52, 100));
        await store.blobs.discard();
        await store.blobs.flush();
        const other = await reopen();
        expect(await other.blobs.has(d)).toBe(false);
      });

      it('locks of two handles exclude each other', async () => {
        const other = await reopen();
        let active = 0;
        let most = 0;
        const work = (s: Store) =>
          s.lock(async () => {
            active++;
            most = Math.max(most, active);
            for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 1));
            active--;
          });
        await Promise.all([work(store), work(other), work(store), work(other)]);
        expect(most).toBe(1);
      });
    });
  });
}
