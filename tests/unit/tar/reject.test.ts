// Malformed and hostile archives: each must fail with a typed error that says what is
// wrong, for which entry, at which offset.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataLossError, InvalidArgumentError, LayerboxError, ResourceExhaustedError } from '../../../shared/errors.ts';
import { readTar, writeTar, type ReadTarOptions } from '../../../shared/tar/index.ts';
import { chunks, collect, concat, END, padded, paxHeader, paxRecords, rawHeader, readAll, tempDir } from './helpers.ts';

type ErrorClass = typeof DataLossError | typeof InvalidArgumentError | typeof ResourceExhaustedError;

/** Read everything; return the error (or fail the test if there is none). */
async function failure(buf: Uint8Array, opts?: ReadTarOptions, chunk = 100): Promise<LayerboxError> {
  try {
    await readAll(buf, { chunk, reader: opts });
  } catch (e) {
    expect(e).toBeInstanceOf(LayerboxError);
    return e as LayerboxError;
  }
  throw new Error('the archive was accepted');
}

async function rejects(buf: Uint8Array, cls: ErrorClass, msg: RegExp, opts?: ReadTarOptions) {
  const e = await failure(buf, opts);
  expect(e, e.message).toBeInstanceOf(cls);
  expect(e.message).toMatch(msg);
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** An archive written by Python's tarfile, which writes any name it is given. */
function pyTar(members: Array<{ name: string; type?: string; linkname?: string; data?: string }>, format = 'PAX'): Uint8Array {
  const out = path.join(dir, `py-${Math.random().toString(36).slice(2)}.tar`);
  execFileSync('python3', ['-c', `
import io, json, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=getattr(tarfile, sys.argv[3] + '_FORMAT')) as tf:
    for m in json.loads(sys.argv[2]):
        ti = tarfile.TarInfo(m['name'])
        ti.type = m.get('type', '0').encode()
        ti.linkname = m.get('linkname', '')
        data = m.get('data', '').encode()
        ti.size = len(data) if ti.type == b'0' else 0
        tf.addfile(ti, io.BytesIO(data) if ti.type == b'0' else None)
`, out, JSON.stringify(members), format]);
  return fs.readFileSync(out);
}

describe('names that escape the root', { timeout: 60_000 }, () => {
  it('rejects ../x (made by Python tarfile)', async () => {
    await rejects(pyTar([{ name: 'ok', data: 'x' }, { name: '../x', data: 'evil' }]), InvalidArgumentError, /^tar entry "\.\.\/x" at offset 1024: name escapes the archive root$/);
  });
  it('rejects a/../../x', async () => {
    await rejects(pyTar([{ name: 'a/../../x' }], 'GNU'), InvalidArgumentError, /"a\/\.\.\/\.\.\/x" at offset 0: name escapes/);
  });
  it('rejects /etc/passwd', async () => {
    await rejects(pyTar([{ name: '/etc/passwd', data: 'root::0:0::/:/bin/sh\n' }], 'USTAR'), InvalidArgumentError, /"\/etc\/passwd" at offset 0: absolute name/);
  });
  it('rejects a hardlink to ../../x', async () => {
    await rejects(pyTar([{ name: 'link', type: '1', linkname: '../../x' }]), InvalidArgumentError, /"link" at offset 0: hardlink target "\.\.\/\.\.\/x": name escapes/);
  });
  it('rejects a hardlink to an absolute path', async () => {
    await rejects(pyTar([{ name: 'link', type: '1', linkname: '/etc/shadow' }]), InvalidArgumentError, /hardlink target "\/etc\/shadow": absolute name/);
  });
  it('accepts symlinks that point anywhere: they resolve inside the container root later', async () => {
    const r = await readAll(pyTar([{ name: 'a', type: '2', linkname: '../../../etc/passwd' }, { name: 'b', type: '2', linkname: '/etc/passwd' }]));
    expect(r.entries.map((e) => e.linkname)).toEqual(['../../../etc/passwd', '/etc/passwd']);
  });
  it('cleans names that stay inside: ./a//b/./c, a/../b', async () => {
    const r = await readAll(pyTar([{ name: './a//b/./c', data: '1' }, { name: 'a/../b', data: '2' }, { name: './', type: '5' }]));
    expect(r.entries.map((e) => e.path)).toEqual(['a/b/c', 'b', '']);
  });
});

describe('malformed headers', { timeout: 60_000 }, () => {
  const file = rawHeader({ name: 'first', size: 3 });
  const body = padded('abc');

  it('bad checksum: DataLoss naming the offset and the name in the block', async () => {
    const bad = rawHeader({ name: 'second' }, true);
    await rejects(concat(file, body, bad, END), DataLossError, /bad header checksum at offset 1024 \(entry "second"\)/);
  });
  it('bad checksum from a flipped byte in a real archive', async () => {
    const buf = pyTar([{ name: 'one', data: 'x' }, { name: 'two', data: 'y' }], 'USTAR');
    buf[1024 + 10] ^= 0x40; // inside the second header's name field
    await rejects(buf, DataLossError, /bad header checksum at offset 1024/);
  });
  it('non-octal numeric fields', async () => {
    await rejects(concat(rawHeader({ name: 'm', mode: '00006x4\0' }), END), InvalidArgumentError, /"m" at offset 0: non-octal mode field "00006x4\\x00"/);
    await rejects(concat(rawHeader({ name: 'u', uid: '12 34\0\0\0' }), END), InvalidArgumentError, /non-octal uid field/);
    await rejects(concat(rawHeader({ name: 's', size: '0000000009\0\0' }), END), InvalidArgumentError, /non-octal size field/);
  });
  it('a size beyond 2^53 (GNU base-256)', async () => {
    const size = Uint8Array.of(0x80, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0); // 2^62
    await rejects(concat(rawHeader({ name: 'huge', size }), END), InvalidArgumentError, /"huge" at offset 0: size is beyond 2\^53/);
  });
  it('negative numbers (base-256 two\'s complement)', async () => {
    const uid = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe); // -2
    await rejects(concat(rawHeader({ name: 'neg', uid }), END), InvalidArgumentError, /"neg" at offset 0: negative uid/);
    await rejects(concat(paxHeader({ mtime: '-1.5' }), rawHeader({ name: 'old' }), END), InvalidArgumentError, /"old" at offset 0: negative pax mtime "-1.5"/);
  });
  it('a name with NUL (pax path)', async () => {
    await rejects(concat(paxHeader({ path: 'a\0b' }), rawHeader({ name: 'x' }), END), InvalidArgumentError, /name contains NUL/);
  });
  it('an empty name', async () => {
    await rejects(concat(rawHeader({ name: '' }), END), InvalidArgumentError, /empty name/);
  });
  it('a name that is not UTF-8', async () => {
    await rejects(concat(rawHeader({ name: Uint8Array.of(0x61, 0xff, 0x62) }), END), InvalidArgumentError, /name is not valid UTF-8/);
  });
  it('an empty link target', async () => {
    await rejects(concat(rawHeader({ name: 'l', typeflag: '2' }), END), InvalidArgumentError, /"l" at offset 0: empty link target/);
  });
  it('unsupported entry types', async () => {
    await rejects(concat(rawHeader({ name: 'vol', typeflag: 'V' }), END), InvalidArgumentError, /"vol" at offset 0: unsupported entry type 'V'/);
    await rejects(concat(rawHeader({ name: 'dump', typeflag: 'D', magic: 'gnu' }), END), InvalidArgumentError, /unsupported entry type 'D'/);
  });
  it('a regular file whose name ends in /', async () => {
    await rejects(concat(rawHeader({ name: 'f/', typeflag: '0' }), END), InvalidArgumentError, /regular file name ends with/);
  });
  it('a root entry that is not a directory', async () => {
    await rejects(concat(rawHeader({ name: './', typeflag: '2', linkname: 'x' }), END), InvalidArgumentError, /archive root must be a directory/);
  });
});

describe('malformed pax records', { timeout: 60_000 }, () => {
  const entry = rawHeader({ name: 'x' });
  it.each([
    ['a length that overruns', '99 path=a\n', /length 99 is wrong/],
    ['a length that is short', '8 path=abc\n', /length 8 does not end at a newline/],
    ['no length', 'path=a\n', /no length/],
    ['no key=value', '9 pathab\n', /no key=value/],
    ['an empty key', '7 =abc\n', /no key=value/],
  ])('%s', async (_what, data, msg) => {
    await rejects(concat(paxHeader(Buffer.from(data)), entry, END), InvalidArgumentError, new RegExp(`x extension header at offset 0: malformed pax record at byte 0: ${msg.source}`));
  });
  it('malformed numbers', async () => {
    await rejects(concat(paxHeader({ size: '12abc' }), entry, END), InvalidArgumentError, /"x" at offset 0: malformed pax size "12abc"/);
    await rejects(concat(paxHeader({ uid: '99999999999999999999' }), entry, END), InvalidArgumentError, /pax uid 99999999999999999999 is beyond 2\^53/);
  });
  it('a malformed libarchive xattr', async () => {
    await rejects(concat(paxHeader({ 'LIBARCHIVE.xattr.user.a': '!!!' }), entry, END), InvalidArgumentError, /malformed pax record "LIBARCHIVE\.xattr\.user\.a"/);
  });
  it('an extension header followed by the end of the archive', async () => {
    await rejects(concat(paxHeader({ path: 'lost' }), END), DataLossError, /extended header at offset 0 is not followed by an entry/);
    await rejects(concat(rawHeader({ name: '././@LongLink', typeflag: 'L', size: 5, magic: 'gnu' }), padded('lost\0')), DataLossError, /not followed by an entry/);
  });
});

describe('truncation', { timeout: 60_000 }, () => {
  // A pax long name (x header + data), a 1000-byte body with padding, then a second entry.
  const longName = `dir/${'n'.repeat(150)}`;
  let buf: Uint8Array;
  beforeAll(() => {
    buf = pyTar([{ name: longName, data: 'b'.repeat(1000) }, { name: 'second', data: 'tail' }]);
  }, 60_000);
  it.each([
    ['inside the x header block', 100, /archive truncated inside the header block at offset 0 \(100 of 512 bytes\)/],
    ['inside the x header data', 700, /x extension header at offset 0: archive truncated inside its data \(188 of 512 bytes\)/],
    ['inside the entry header', 1100, /archive truncated inside the header block at offset 1024/],
    ['inside the body', 1536 + 600, /"dir\/n+" at offset 0: archive truncated inside its data \(600 of 1000 bytes\)/],
    ['inside the padding', 1536 + 1010, /"dir\/n+" at offset 0: archive truncated inside the padding after its data \(10 of 24 bytes\)/],
    ['inside the second header', 2560 + 511, /truncated inside the header block at offset 2560 \(511 of 512 bytes\)/],
  ])('%s (at %i)', async (_what, at, msg) => {
    await rejects(buf.subarray(0, at), DataLossError, msg);
    // Skipped bodies (never read) are checked just the same.
    const e = await (async () => {
      try {
        for await (const _ of readTar(chunks(buf.subarray(0, at), 333))) void _;
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(DataLossError);
  });
  it('every cut inside the archive fails with DataLoss, except at entry boundaries', async () => {
    const { entries } = await readAll(buf);
    const boundaries = new Set([0, ...entries.map((e) => e.offset), entries.at(-1)!.offset + 512 + 512]);
    for (let at = 1; at < 3072; at += 37) {
      if (boundaries.has(at)) continue;
      const e = await failure(buf.subarray(0, at), undefined, 256);
      expect(e, `cut at ${at}`).toBeInstanceOf(DataLossError);
    }
  });
  it('a cut at an entry boundary reads as an archive without its end marker', async () => {
    const r = await readAll(buf.subarray(0, 2560));
    expect(r.entries.map((e) => e.path)).toEqual([longName]);
    expect(r.trailer.length).toBe(0);
  });
});

describe('limits', { timeout: 60_000 }, () => {
  it('a pax header bigger than maxHeaderBytes', async () => {
    const big = pyTar([{ name: `d/${'x'.repeat(300)}`, data: 'x' }]);
    await rejects(big, ResourceExhaustedError, /x extension header at offset 0: extension headers hold \d+ bytes, over the limit of 100/, { maxHeaderBytes: 100 });
    expect((await readAll(big, { reader: { maxHeaderBytes: 1000 } })).entries.length).toBe(1);
  });
  it('a pax header of 2 MiB against the default 1 MiB cap', async () => {
    const huge = concat(paxHeader({ comment: 'c'.repeat(2 << 20) }), rawHeader({ name: 'x' }), END);
    await rejects(huge, ResourceExhaustedError, /over the limit of 1048576/);
  });
  it('a header that claims a huge pax size fails before reading it', async () => {
    const lie = concat(rawHeader({ name: 'PaxHeader', typeflag: 'x', size: 2 ** 32 }), END);
    await rejects(lie, ResourceExhaustedError, /extension headers hold 4294967296 bytes/);
  });
  it('many global headers add up', async () => {
    const g = (i: number) => paxHeader({ [`k${i}`]: 'v'.repeat(400) }, 'g');
    const buf = concat(...Array.from({ length: 4 }, (_, i) => concat(g(i), rawHeader({ name: `f${i}` }))), END);
    await rejects(buf, ResourceExhaustedError, /global pax records hold \d+ bytes, over the limit of 1000/, { maxHeaderBytes: 1000 });
  });
  it('more entries than maxEntries', async () => {
    const buf = await collect(writeTar(Array.from({ length: 10 }, (_, i) => ({ path: `f${i}`, type: 'file' as const }))));
    await rejects(buf, ResourceExhaustedError, /more than 5 entries \(entry at offset 2560\)/, { maxEntries: 5 });
    expect((await readAll(buf, { reader: { maxEntries: 10 } })).entries.length).toBe(10);
  });
  it('too much after the end-of-archive marker', async () => {
    const buf = concat(rawHeader({ name: 'f' }), END, new Uint8Array(3000).fill(7));
    await rejects(buf, ResourceExhaustedError, /more than 2048 bytes after the end-of-archive marker/, { maxTrailerBytes: 2048 });
    expect((await readAll(buf)).trailer.length).toBe(4024);
  });
});

describe('GNU sparse files', { timeout: 60_000 }, () => {
  let sparse: string;
  beforeAll(() => {
    sparse = path.join(dir, 'sparse');
    fs.mkdirSync(sparse);
    execFileSync('truncate', ['-s', '4M', path.join(sparse, 'holes')]);
    fs.appendFileSync(path.join(sparse, 'holes'), 'data at the end\n');
  }, 60_000);
  it.each(['gnu', 'posix'])('tar --format=%s --sparse is rejected', async (format) => {
    const f = path.join(dir, `sparse-${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sparse', '-cf', f, '-C', sparse, 'holes']);
    await rejects(fs.readFileSync(f), InvalidArgumentError, /GNU sparse files are not supported/);
  });
  it('a hand-made S entry names the entry', async () => {
    await rejects(concat(rawHeader({ name: 'sparse', typeflag: 'S', magic: 'gnu' }), END), InvalidArgumentError, /"sparse" at offset 0: GNU sparse files are not supported/);
  });
  it('a pax GNU.sparse record', async () => {
    await rejects(concat(paxHeader({ 'GNU.sparse.major': '1' }), rawHeader({ name: 'x' }), END), InvalidArgumentError, /GNU sparse files are not supported/);
  });
  it('paxRecords helper writes records Python accepts (sanity of the crafting helper)', () => {
    expect(new TextDecoder().decode(paxRecords({ path: 'abc' }))).toBe('12 path=abc\n');
  });
});
