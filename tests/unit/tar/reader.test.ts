// The reader's contracts: bodies read or skipped, raw/padding/trailer exact, one pass.
import { describe, expect, it } from 'vitest';
import { FailedPreconditionError, InvalidArgumentError } from '../../../shared/errors.ts';
import { readTar, writeTar, type TarEntry, type TarWriteEntry } from '../../../shared/tar/index.ts';
import { chunks, collect, concat, END, padded, paxHeader, rawHeader, readAll, reassemble, sha256hex } from './helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

async function sample(): Promise<Uint8Array> {
  const entries: TarWriteEntry[] = [
    { path: 'a', type: 'file', body: bytes(1000, 1) },
    { path: 'b', type: 'file', body: bytes(70_000, 2) },
    { path: 'c', type: 'file', body: bytes(10, 3) },
    { path: 'd', type: 'dir' },
  ];
  return collect(writeTar(entries));
}

describe('bodies', { timeout: 60_000 }, () => {
  it('skips bodies that were not read, or read in part', async () => {
    const buf = await sample();
    const seen: Array<[string, number, number | undefined]> = [];
    for await (const e of readTar(chunks(buf, 4096))) {
      let got = 0;
      if (e.path === 'b') {
        // Read two chunks of b, then move on.
        for await (const c of e.body()) {
          got += c.length;
          if (got >= 5000) break;
        }
      }
      seen.push([e.path, e.size, e.padding?.length]);
    }
    // Padding is known once the reader has moved past a body.
    expect(seen.map(([p, s]) => [p, s])).toEqual([['a', 1000], ['b', 70_000], ['c', 10], ['d', 0]]);
  });

  it('gives exactly size bytes, then the padding', async () => {
    const buf = await sample();
    for await (const e of readTar(chunks(buf, 999))) {
      const body = await collect(e.body());
      expect(body.length).toBe(e.size);
      expect(e.padding!.length).toBe((512 - (e.size % 512)) % 512);
      if (e.path === 'b') expect(sha256hex(body)).toBe(sha256hex(bytes(70_000, 2)));
    }
  });

  it('body() may be called once', async () => {
    const buf = await sample();
    for await (const e of readTar(chunks(buf))) {
      await collect(e.body());
      expect(() => e.body()).toThrow(FailedPreconditionError);
      break;
    }
  });

  it('a skipped body cannot be read later; an empty one can', async () => {
    const buf = await sample();
    const kept: TarEntry[] = [];
    for await (const e of readTar(chunks(buf))) kept.push(e);
    expect(() => kept[0]!.body()).toThrow(/body was skipped when the next entry was read/);
    expect((await collect(kept[3]!.body())).length).toBe(0);
  });

  it('a body iterator used after the reader moved on fails', async () => {
    const buf = await sample();
    const it = readTar(chunks(buf, 1000))[Symbol.asyncIterator]();
    const first = (await it.next()).value as TarEntry;
    const body = first.body()[Symbol.asyncIterator]();
    const part = await body.next(); // what the first chunk holds of a's 1000 bytes
    expect(part.value.length).toBeLessThan(1000);
    const second = (await it.next()).value as TarEntry;
    expect(second.path).toBe('b');
    expect(first.padding!.length).toBe(24);
    // The reader skipped the rest of a: resuming a's body must not end it short quietly.
    await expect(body.next()).rejects.toThrow(/"a": body read after the next entry was requested/);
    // A body read to its last byte ends cleanly even after the reader moved on.
    const third = (await it.next()).value as TarEntry;
    const c = third.body()[Symbol.asyncIterator]();
    expect((await c.next()).value.length).toBe(10);
    await it.next();
    expect((await c.next()).done).toBe(true);
  });

  it('digests: hashes each file as it passes, read or skipped', async () => {
    const buf = await sample();
    const want = new Map([['a', bytes(1000, 1)], ['b', bytes(70_000, 2)], ['c', bytes(10, 3)]]);
    const kept: TarEntry[] = [];
    for await (const e of readTar(chunks(buf, 3000), { digests: true })) {
      if (e.path === 'a') await collect(e.body());
      kept.push(e);
    }
    for (const e of kept) {
      if (e.type === 'file') expect(e.digest).toBe(`sha256:${sha256hex(want.get(e.path)!)}`);
      else expect(e.digest).toBeUndefined();
    }
    for await (const e of readTar(chunks(buf))) expect(e.digest).toBeUndefined();
  });
});

describe('raw bytes and trailer', { timeout: 60_000 }, () => {
  it('keeps garbage after the end marker, to the last byte', async () => {
    const buf = concat(await sample(), Uint8Array.of(1, 2, 3), new Uint8Array(100), enc('junk'));
    const r = await readAll(buf, { chunk: 77 });
    expect(r.trailer.length).toBe(1024 + 3 + 100 + 4);
    expect(sha256hex(reassemble(r))).toBe(sha256hex(buf));
  });

  it('an archive with one zero block, or none, reads the same entries', async () => {
    const full = await sample();
    for (const cut of [full.length - 512, full.length - 1024]) {
      const r = await readAll(full.subarray(0, cut));
      expect(r.entries.map((e) => e.path)).toEqual(['a', 'b', 'c', 'd']);
      expect(r.trailer.length).toBe(cut - (full.length - 1024));
    }
  });

  it('an empty stream is an empty archive', async () => {
    const r = await readAll(new Uint8Array(0));
    expect(r.entries).toEqual([]);
    expect(r.trailer.length).toBe(0);
  });

  it('raw holds pax and GNU extension headers with their data; offsets point at the first', async () => {
    const longName = 'L'.repeat(120);
    const buf = concat(
      paxHeader({ comment: 'for all' }, 'g'),
      paxHeader({ mtime: '1700000000.5', 'SCHILY.xattr.user.k': 'v' }),
      rawHeader({ name: 'first', size: 2 }),
      padded('hi'),
      rawHeader({ name: '././@LongLink', typeflag: 'L', size: longName.length + 1, magic: 'gnu' }),
      padded(longName + '\0'),
      rawHeader({ name: 'ignored', magic: 'gnu', typeflag: '5' }),
      END,
    );
    const r = await readAll(buf, { chunk: 100 });
    expect(r.entries.map((e) => [e.path, e.type, e.offset, e.raw.length])).toEqual([
      ['first', 'file', 0, 2560],
      [longName, 'dir', 3072, 1536],
    ]);
    expect(r.entries[0]!.mtime).toBe(1700000000.5);
    expect(r.entries[0]!.xattrs).toEqual({ 'user.k': '76' });
    // The global record applies to every entry that follows.
    expect(r.entries.map((e) => e.pax.comment)).toEqual(['for all', 'for all']);
    expect(sha256hex(reassemble(r))).toBe(sha256hex(buf));
  });

  it('an empty per-entry value cancels a global record', async () => {
    const buf = concat(paxHeader({ uid: '77' }, 'g'), rawHeader({ name: 'a' }), paxHeader({ uid: '' }), rawHeader({ name: 'b', uid: '0000005\0' }), END);
    const r = await readAll(buf);
    expect(r.entries.map((e) => [e.path, e.uid])).toEqual([['a', 77], ['b', 5]]);
  });

  it('old v7 entries: no magic, a trailing slash makes a directory', async () => {
    const buf = concat(rawHeader({ name: 'olddir/', typeflag: '\0', magic: 'v7' }), rawHeader({ name: 'olddir/f', typeflag: '\0', magic: 'v7', size: 1 }), padded('x'), END);
    const r = await readAll(buf);
    expect(r.entries.map((e) => [e.path, e.type, e.uname])).toEqual([['olddir', 'dir', ''], ['olddir/f', 'file', '']]);
  });

  it('GNU base-256 numbers', async () => {
    const uid = Uint8Array.of(0x80, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0); // 3000000
    const r = await readAll(concat(rawHeader({ name: 'big', uid, magic: 'gnu' }), END));
    expect(r.entries[0]!.uid).toBe(3000000);
  });
});

describe('one pass', { timeout: 60_000 }, () => {
  it('an archive can be iterated once', async () => {
    const r = readTar(chunks(await sample()));
    for await (const _ of r) void _;
    expect(() => r[Symbol.asyncIterator]()).toThrow(FailedPreconditionError);
  });

  it('stopping early releases the source', async () => {
    const buf = await sample();
    let released = false;
    async function* src() {
      try {
        yield* chunks(buf, 512);
      } finally {
        released = true;
      }
    }
    for await (const e of readTar(src())) if (e.path === 'a') break;
    expect(released).toBe(true);
  });

  it('a source that yields something other than bytes is InvalidArgument', async () => {
    async function* src() {
      yield 'not bytes' as unknown as Uint8Array;
    }
    await expect(collect((async function* () {
      for await (const e of readTar(src())) yield e.raw;
    })())).rejects.toThrow(InvalidArgumentError);
  });
});
