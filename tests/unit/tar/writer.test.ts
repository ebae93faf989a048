// The canonical writer: GNU tar and Python's tarfile must read back exactly what was
// written, the same input must always give the same bytes, and any input format must
// canonicalize to one output.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataLossError, InvalidArgumentError } from '../../../shared/errors.ts';
import { readTar, tarHeaderBytes, writeTar, type TarWriteEntry } from '../../../shared/tar/index.ts';
import { buildTree, canMknod, chunks, collect, fromPy, hex, pyList, readAll, sha256hex, tempDir } from './helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const LONG_SPLIT = `w/${'a'.repeat(80)}/${'b'.repeat(90)}`; // > 100 bytes, fits ustar prefix + name
const LONG_PAX = `w/${'n'.repeat(120)}`; // one segment > 100 bytes: needs pax
const LONG_DEEP = `w/deep/${Array(5).fill('d'.repeat(55)).join('/')}`; // > 255 bytes
const UNICODE = 'w/ünïcødé/日本語-😀';
const LONG_TARGET = `/opt/${'t'.repeat(150)}`;
const BIG_MTIME = 2 ** 34; // beyond 11 octal digits
const content = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** Entries covering every type and every reason for a pax header. */
function sample(devices: boolean): TarWriteEntry[] {
  const list: TarWriteEntry[] = [
    { path: '', type: 'dir', mode: 0o755, mtime: 1700000000 },
    { path: 'w', type: 'dir', mode: 0o750, uid: 1000, gid: 1000, mtime: 1700000001 },
    { path: 'w/hello.txt', type: 'file', mode: 0o640, uid: 1000, gid: 100, mtime: 1700000002.75, body: enc('hello\n') },
    { path: 'w/empty', type: 'file', size: 0, mtime: 1700000003 },
    { path: 'w/big.bin', type: 'file', size: 300_000, mtime: 1700000004, body: () => chunks(content(300_000, 1), 4097) },
    { path: 'w/suid', type: 'file', mode: 0o4755, mtime: 1700000005, body: enc('#!/bin/sh\n') },
    { path: 'w/sticky', type: 'dir', mode: 0o1777, mtime: 1700000006 },
    { path: LONG_SPLIT, type: 'file', mtime: 1700000007, body: enc('split\n') },
    { path: LONG_PAX, type: 'file', mtime: 1700000008, body: enc('pax name\n') },
    { path: LONG_DEEP, type: 'dir', mtime: 1700000009 },
    { path: `${LONG_DEEP}/f`, type: 'file', mtime: 1700000009, body: enc('deep\n') },
    { path: UNICODE, type: 'file', mtime: 1700000010, body: enc('unicode ✓\n') },
    { path: 'w/sym', type: 'symlink', linkname: 'hello.txt', mtime: 1700000011 },
    { path: 'w/longsym', type: 'symlink', linkname: LONG_TARGET, mtime: 1700000012 },
    { path: 'w/hard', type: 'hardlink', linkname: 'w/hello.txt', mtime: 1700000013 },
    { path: 'w/longhard', type: 'hardlink', linkname: `${LONG_DEEP}/f`, mtime: 1700000014 },
    { path: 'w/fifo', type: 'fifo', mode: 0o600, mtime: 1700000015 },
    { path: 'w/bigids', type: 'file', uid: 3000000, gid: 4000000, mtime: 1700000016, body: enc('big ids\n') },
    { path: 'w/future', type: 'file', mtime: BIG_MTIME, body: enc('future\n') },
    {
      path: 'w/xattrs',
      type: 'file',
      mtime: 1700000017,
      body: enc('xattrs\n'),
      xattrs: { 'user.comment': enc('hi there'), 'user.bin': Uint8Array.of(0, 1, 255), 'user.empty': new Uint8Array(0) },
    },
  ];
  if (devices) {
    list.push({ path: 'w/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3, mtime: 1700000018 });
    list.push({ path: 'w/sda1', type: 'block', mode: 0o660, devmajor: 8, devminor: 1, mtime: 1700000019 });
  }
  return list;
}

let dir: string;
let devices: boolean;
let archive: Uint8Array;
let file: string;

beforeAll(async () => {
  dir = tempDir();
  devices = canMknod(dir);
  if (!devices) console.warn('tar writer test: mknod not permitted here; device extraction is not covered');
  archive = await collect(writeTar(sample(devices)));
  file = path.join(dir, 'written.tar');
  fs.writeFileSync(file, archive);
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('writeTar output read by other tools', { timeout: 60_000 }, () => {
  it('Python tarfile reads every field as written', { timeout: 60_000 }, async () => {
    const py = pyList(file).map(fromPy);
    const want = sample(devices);
    expect(py.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const p = py[i]!;
      const where = JSON.stringify(w.path);
      expect(p.path, where).toBe(w.path);
      expect(p.type, where).toBe(w.type);
      expect(p.mode, where).toBe(w.mode ?? (w.type === 'dir' ? 0o755 : w.type === 'symlink' ? 0o777 : 0o644));
      expect([p.uid, p.gid], where).toEqual([w.uid ?? 0, w.gid ?? 0]);
      expect([p.uname, p.gname], where).toEqual(['', '']);
      expect(p.mtime, where).toBe(Math.floor(w.mtime ?? 0));
      expect(p.linkname, where).toBe(w.linkname ?? '');
      expect([p.devmajor, p.devminor], where).toEqual([w.devmajor ?? 0, w.devminor ?? 0]);
      const hexXattrs = Object.fromEntries(Object.entries(w.xattrs ?? {}).map(([k, v]) => [k, hex(v)]));
      expect(p.xattrs, where).toEqual(hexXattrs);
      if (w.type === 'file') {
        const body = w.body instanceof Uint8Array ? w.body : w.body ? await collect(await (w.body as () => AsyncIterable<Uint8Array>)()) : new Uint8Array(0);
        expect(p.sha256, where).toBe(sha256hex(body));
      }
    }
  });

  it('GNU tar lists every entry as written', { timeout: 60_000 }, () => {
    const out = execFileSync('tar', ['--numeric-owner', '--full-time', '--quoting-style=literal', '-tvf', file], {
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
    }).toString();
    const lines = out.trimEnd().split('\n');
    const want = sample(devices);
    expect(lines.length).toBe(want.length);
    const typeChar = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const m = /^(\S)(\S{9}) (\d+)\/(\d+)\s+(\S+) (\S+ \S+) (.*)$/.exec(lines[i]!);
      expect(m, lines[i]).not.toBeNull();
      const [, t, perms, uid, gid, size, time, rest] = m!;
      expect(t).toBe(typeChar[w.type]);
      expect(permBits(perms!)).toBe(w.mode ?? (w.type === 'dir' ? 0o755 : w.type === 'symlink' ? 0o777 : 0o644));
      expect([Number(uid), Number(gid)]).toEqual([w.uid ?? 0, w.gid ?? 0]);
      if (w.type === 'char' || w.type === 'block') expect(size).toBe(`${w.devmajor},${w.devminor}`);
      else if (w.type === 'file') expect(Number(size)).toBe(w.size ?? (w.body instanceof Uint8Array ? w.body.length : 0));
      expect(new Date(time!.replace(' ', 'T') + 'Z').getTime() / 1000).toBe(Math.floor(w.mtime ?? 0));
      const name = w.path === '' ? './' : w.type === 'dir' ? `${w.path}/` : w.path;
      if (w.type === 'symlink') expect(rest).toBe(`${name} -> ${w.linkname}`);
      else if (w.type === 'hardlink') expect(rest).toBe(`${name} link to ${w.linkname}`);
      else expect(rest).toBe(name);
    }
  });

  it('GNU tar extracts it: contents, modes, owners, times, links, xattrs, devices', { timeout: 60_000 }, async () => {
    const out = path.join(dir, 'x');
    fs.mkdirSync(out);
    execFileSync('tar', ['--xattrs', '--xattrs-include=user.*', '--same-owner', '-xpf', file, '-C', out]);
    for (const w of sample(devices)) {
      const p = path.join(out, w.path);
      const st = fs.lstatSync(p);
      const where = JSON.stringify(w.path);
      if (w.type === 'hardlink') {
        expect(st.ino, where).toBe(fs.lstatSync(path.join(out, w.linkname!)).ino);
        continue;
      }
      expect(st.mode & 0o7777, where).toBe(w.mode ?? (w.type === 'dir' ? 0o755 : w.type === 'symlink' ? 0o777 : 0o644));
      expect([st.uid, st.gid], where).toEqual([w.uid ?? 0, w.gid ?? 0]);
      // Directory times change as children are extracted; ext4 cannot store 2^34 (year 2514).
      if (w.type !== 'dir' && w.mtime !== BIG_MTIME) expect(Math.floor(st.mtimeMs / 1000), where).toBe(Math.floor(w.mtime ?? 0));
      if (w.type === 'symlink') expect(fs.readlinkSync(p), where).toBe(w.linkname);
      if (w.type === 'fifo') expect(st.isFIFO(), where).toBe(true);
      if (w.type === 'char') expect(st.isCharacterDevice(), where).toBe(true);
      if (w.type === 'block') expect(st.isBlockDevice(), where).toBe(true);
      if (w.type === 'file') {
        const body = w.body instanceof Uint8Array ? w.body : w.body ? await collect(await (w.body as () => AsyncIterable<Uint8Array>)()) : new Uint8Array(0);
        expect(sha256hex(fs.readFileSync(p)), where).toBe(sha256hex(body));
      }
    }
    const xattrs = execFileSync('python3', ['-c', `import os,sys,json; p=sys.argv[1]; print(json.dumps({k: os.getxattr(p,k).hex() for k in sorted(os.listxattr(p)) if k.startswith('user.')}))`, path.join(out, 'w/xattrs')]);
    expect(JSON.parse(xattrs.toString())).toEqual({ 'user.comment': hex(enc('hi there')), 'user.bin': '0001ff', 'user.empty': '' });
  });

  it('our reader reads back what was written', async () => {
    const r = await readAll(archive, { chunk: 1000 });
    const want = sample(devices);
    expect(r.entries.map((e) => e.path)).toEqual(want.map((w) => w.path));
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      expect(r.entries[i]!).toMatchObject({
        type: w.type,
        uid: w.uid ?? 0,
        gid: w.gid ?? 0,
        uname: '',
        gname: '',
        mtime: Math.floor(w.mtime ?? 0),
        linkname: w.linkname ?? '',
        devmajor: w.devmajor ?? 0,
        devminor: w.devminor ?? 0,
      });
    }
    // Two zero blocks end it; nothing else.
    expect(r.trailer.length).toBe(1024);
    expect(r.trailer.every((b) => b === 0)).toBe(true);
  });
});

describe('canonical form', { timeout: 60_000 }, () => {
  it('uses pax only where ustar cannot hold the entry', () => {
    const paxKeys = (e: TarWriteEntry): string[] => {
      const h = tarHeaderBytes(e);
      if (h.length === 512) return [];
      expect(h[156]).toBe(0x78); // 'x'
      const size = parseInt(new TextDecoder().decode(h.subarray(124, 135)), 8);
      const text = new TextDecoder().decode(h.subarray(512, 512 + size));
      return text.trimEnd().split('\n').map((r) => r.slice(r.indexOf(' ') + 1, r.indexOf('=')));
    };
    const byPath = new Map(sample(true).map((e) => [e.path, e]));
    expect(paxKeys(byPath.get('w/hello.txt')!)).toEqual([]); // fractional mtime is floored, not pax
    expect(paxKeys(byPath.get(LONG_SPLIT)!)).toEqual([]); // split into prefix and name
    expect(paxKeys(byPath.get(LONG_PAX)!)).toEqual(['path']);
    expect(paxKeys(byPath.get(LONG_DEEP)!)).toEqual(['path']);
    expect(paxKeys(byPath.get(UNICODE)!)).toEqual(['path']);
    expect(paxKeys(byPath.get('w/longsym')!)).toEqual(['linkpath']);
    expect(paxKeys(byPath.get('w/longhard')!)).toEqual(['linkpath']);
    expect(paxKeys(byPath.get('w/bigids')!)).toEqual(['gid', 'uid']);
    expect(paxKeys(byPath.get('w/future')!)).toEqual(['mtime']);
    expect(paxKeys(byPath.get('w/xattrs')!)).toEqual(['SCHILY.xattr.user.bin', 'SCHILY.xattr.user.comment', 'SCHILY.xattr.user.empty']);
    expect(paxKeys({ path: 'huge', type: 'file', size: 2 ** 33 })).toEqual(['size']);
    expect(paxKeys({ path: 'max', type: 'file', size: 2 ** 33 - 1, uid: 2097151 })).toEqual([]);
  });

  it('writes a size beyond 8 GiB as a pax record that Python reads', () => {
    const huge = path.join(dir, 'huge-header.tar');
    fs.writeFileSync(huge, Buffer.concat([tarHeaderBytes({ path: 'huge', type: 'file', size: 2 ** 33 + 5 }), Buffer.alloc(1024)]));
    const out = execFileSync('python3', ['-c', 'import sys, tarfile; m = tarfile.open(sys.argv[1]).next(); print(m.name, m.size)', huge]);
    expect(out.toString().trim()).toBe(`huge ${2 ** 33 + 5}`);
  });

  it('is byte-identical to Python tarfile USTAR output for plain entries', { timeout: 60_000 }, async () => {
    const entries: TarWriteEntry[] = [
      { path: 'd', type: 'dir', mode: 0o755, uid: 1, gid: 2, mtime: 1700000000 },
      { path: 'd/f', type: 'file', mode: 0o640, uid: 1000, gid: 1000, mtime: 1700000001, body: content(1000, 3) },
      { path: 'd/e', type: 'file', mode: 0o600, mtime: 1700000002, size: 0 },
      { path: 'd/s', type: 'symlink', mode: 0o777, linkname: '../x/y', mtime: 1700000003 },
      { path: 'd/h', type: 'hardlink', mode: 0o640, linkname: 'd/f', mtime: 1700000004 },
      { path: 'd/c', type: 'char', mode: 0o666, devmajor: 1, devminor: 5, mtime: 1700000005 },
      { path: 'd/b', type: 'block', mode: 0o660, devmajor: 259, devminor: 65536, mtime: 1700000006 },
      { path: 'd/p', type: 'fifo', mode: 0o644, mtime: 1700000007 },
    ];
    const ours = await collect(writeTar(entries));
    const script = `
import io, json, sys, tarfile
types = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE,
         'char': tarfile.CHRTYPE, 'block': tarfile.BLKTYPE, 'fifo': tarfile.FIFOTYPE}
with tarfile.open(sys.argv[1], 'w', format=tarfile.USTAR_FORMAT) as tf:
    for e in json.loads(sys.argv[2]):
        ti = tarfile.TarInfo(e['path'])
        ti.type = types[e['type']]
        ti.mode, ti.uid, ti.gid, ti.mtime = e['mode'], e.get('uid', 0), e.get('gid', 0), e['mtime']
        ti.uname = ti.gname = ''
        ti.linkname = e.get('linkname', '')
        ti.devmajor, ti.devminor = e.get('devmajor', 0), e.get('devminor', 0)
        data = bytes.fromhex(e.get('hex', ''))
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data) if data else None)
`;
    const pyFile = path.join(dir, 'py-ustar-plain.tar');
    const spec = entries.map(({ body, ...e }) => ({ ...e, hex: body instanceof Uint8Array ? hex(body) : '' }));
    execFileSync('python3', ['-c', script, pyFile, JSON.stringify(spec)]);
    const theirs = new Uint8Array(fs.readFileSync(pyFile));
    // One documented difference: tarfile (3.11) leaves devmajor/devminor NUL for entries
    // that are not devices, where GNU tar and this writer put "0000000\0". Apply that
    // convention to tarfile's headers (and their checksums); every other byte must match.
    let off = 0;
    for (const e of entries) {
      const h = theirs.subarray(off, off + 512);
      if (e.type !== 'char' && e.type !== 'block') {
        h.set(enc('0000000\0'), 329);
        h.set(enc('0000000\0'), 337);
        h.fill(0x20, 148, 156);
        const sum = h.reduce((a, b) => a + b, 0);
        h.set(enc(sum.toString(8).padStart(6, '0') + '\0 '), 148);
      }
      off += 512 + (e.type === 'file' ? Math.ceil((e.body as Uint8Array | undefined)?.length ?? 0) : 0);
      off = Math.ceil(off / 512) * 512;
    }
    // tarfile also pads the archive to a 10240-byte record.
    expect(theirs.length).toBeGreaterThan(ours.length);
    expect(Buffer.compare(theirs.subarray(0, ours.length), ours)).toBe(0);
    expect(theirs.subarray(ours.length).every((b) => b === 0)).toBe(true);
  });

  it('gives one output for the same tree archived in different formats', { timeout: 120_000 }, async () => {
    const tree = path.join(dir, 'tree');
    buildTree(tree, 'ustar', { devices, manyFiles: 50, bigFile: 100_000 });
    const canon: string[] = [];
    for (const format of ['gnu', 'posix', 'ustar']) {
      const f = path.join(dir, `canon-${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', f, '-C', tree, '.']);
      const input = fs.readFileSync(f);
      const out = await collect(writeTar(readTar(chunks(input, 10_000))));
      canon.push(sha256hex(out));
      // Different inputs (pax times, GNU headers, record padding) ...
      expect(sha256hex(out)).not.toBe(sha256hex(input));
    }
    // ... one canonical archive.
    expect(new Set(canon).size).toBe(1);
  });

  it('is deterministic: the same entries give the same bytes, however bodies arrive', async () => {
    const a = await collect(writeTar(sample(true)));
    const b = await collect(writeTar(sample(true)));
    expect(sha256hex(a)).toBe(sha256hex(b));
    // Bodies as one buffer, as a stream of odd chunks, or opened lazily: same output.
    const body = content(70_000, 9);
    const shapes: TarWriteEntry['body'][] = [body, chunks(body, 333), () => chunks(body, 65536), async () => chunks(body, 1)];
    const outs = await Promise.all(shapes.map((s) => collect(writeTar([{ path: 'f', type: 'file', size: body.length, body: s }]))));
    expect(new Set(outs.map(sha256hex)).size).toBe(1);
  });

  it('keeps its format: a fixed input hashes to the pinned digest', async () => {
    // A layer's diff_id is the SHA-256 of this writer's output: if this digest changes,
    // every stored layer's diff_id changes with it. Change the writer, not this pin.
    const out = await collect(writeTar(sample(true)));
    expect(sha256hex(out)).toBe('e2c267b30f2f78dabec1ebd746a8f8feb699336f89a01896a210ace2ac493d06');
  });
});

describe('writer rejects what it cannot write', { timeout: 60_000 }, () => {
  const rejects = async (e: TarWriteEntry, cls: typeof InvalidArgumentError | typeof DataLossError, msg: RegExp) => {
    await expect(collect(writeTar([e]))).rejects.toSatisfy((err: unknown) => err instanceof cls && msg.test((err as Error).message));
  };
  it.each([
    [{ path: '../x', type: 'file', body: enc('x') }, /escapes the archive root/],
    [{ path: '/etc/passwd', type: 'file', body: enc('x') }, /absolute/],
    [{ path: 'a\0b', type: 'file', body: enc('x') }, /NUL/],
    [{ path: 'l', type: 'hardlink', linkname: '../../x' }, /hardlink target "..\/..\/x": name escapes/],
    [{ path: 'l', type: 'symlink', linkname: '' }, /empty symlink target/],
    [{ path: 'f', type: 'file', size: 3 }, /no body/],
    [{ path: 'f', type: 'file', mode: 0o10000 }, /mode/],
    [{ path: 'f', type: 'file', uid: -1 }, /uid/],
    [{ path: 'f', type: 'file', mtime: -5 }, /mtime/],
    [{ path: 'f', type: 'socket' as never }, /unknown type/],
    [{ path: 'f', type: 'file', xattrs: { 'a=b': enc('x') } }, /xattr name/],
    [{ path: 'f', type: 'file', linkname: 'x' }, /has no link target/],
    [{ path: '', type: 'file' }, /root must be a directory/],
    [{ path: 'c', type: 'char', devmajor: 2 ** 21 }, /devmajor/],
  ] as Array<[TarWriteEntry, RegExp]>)('%j', async (e, msg) => {
    await rejects(e, InvalidArgumentError, msg);
  });

  it('a body shorter or longer than its size is DataLoss', async () => {
    await rejects({ path: 'f', type: 'file', size: 10, body: chunks(enc('short'), 2) }, DataLossError, /has 5 bytes, size says 10/);
    await rejects({ path: 'f', type: 'file', size: 2, body: () => chunks(enc('too long'), 3) }, DataLossError, /longer than its size 2/);
  });
});

function permBits(s: string): number {
  // rwxr-sr-T style: the nine characters GNU tar prints after the type.
  let m = 0;
  const bit = (i: number, v: number) => (s[i] !== '-' && s[i] !== 'S' && s[i] !== 'T' ? v : 0);
  m |= bit(0, 0o400) | bit(1, 0o200) | bit(2, 0o100) | bit(3, 0o40) | bit(4, 0o20) | bit(5, 0o10) | bit(6, 0o4) | bit(7, 0o2) | bit(8, 0o1);
  if (s[2] === 's' || s[2] === 'S') m |= 0o4000;
  if (s[5] === 's' || s[5] === 'S') m |= 0o2000;
  if (s[8] === 't' || s[8] === 'T') m |= 0o1000;
  return m;
}
