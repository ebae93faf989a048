// Archives made by real tools (GNU tar in four formats, busybox tar, Python's tarfile):
// the reader must report what each tool was asked to archive, agree with Python's
// tarfile on every field, and the skeleton must re-create each archive byte for byte.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinTar, splitTar } from '../../../shared/tar/index.ts';
import {
  buildTree,
  canMknod,
  chunks,
  collect,
  comparable,
  fromPy,
  HERE,
  LONG_DEEP,
  LONG_SEGMENT,
  LONG_SPLIT,
  LONG_TARGET,
  lstatTree,
  pyList,
  readAll,
  reassemble,
  rng,
  sha256hex,
  tempDir,
  UNICODE_NAME,
  type FsExpect,
  type ReadEntryResult,
} from './helpers.ts';

const MANY = 2000;
const BIG = 5 * 1024 * 1024 + 77;

interface ToolArchive {
  name: string;
  file: string;
  /** The tree it was made from (GNU tar, busybox), or undefined (Python). */
  tree?: string;
  format: 'gnu' | 'posix' | 'ustar' | 'v7' | 'busybox' | 'py-pax' | 'py-gnu' | 'py-ustar';
}

let dir: string;
let devices: boolean;
const archives: ToolArchive[] = [];
const trees = new Map<string, Map<string, FsExpect>>();
const reads = new Map<string, Awaited<ReturnType<typeof readAll>>>();
let pyManifest: Record<string, Array<Record<string, unknown>>>;

beforeAll(() => {
  dir = tempDir();
  devices = canMknod(dir);
  if (!devices) console.warn('tar tools test: mknod not permitted here; device entries are not covered');
  for (const flavor of ['full', 'ustar', 'v7'] as const) {
    // The 5 MB file and the 2,000 small files once; the narrower formats get a sample.
    const opts = flavor === 'full' ? { devices, manyFiles: MANY, bigFile: BIG } : { devices, manyFiles: 200, bigFile: 64 * 1024 };
    buildTree(path.join(dir, flavor), flavor, opts);
    trees.set(flavor, lstatTree(path.join(dir, flavor)));
  }
  const tar = (format: string, tree: string, extra: string[] = []) => {
    const file = path.join(dir, `gnu-${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sort=name', ...extra, '-cf', file, '-C', path.join(dir, tree), '.']);
    archives.push({ name: `GNU tar --format=${format}`, file, tree, format: format as ToolArchive['format'] });
  };
  tar('gnu', 'full');
  tar('posix', 'full', ['--xattrs']);
  tar('ustar', 'ustar');
  tar('v7', 'v7');
  const bb = path.join(dir, 'busybox.tar');
  execFileSync('/usr/bin/busybox', ['tar', '-cf', bb, '-C', path.join(dir, 'full'), '.']);
  archives.push({ name: 'busybox tar', file: bb, tree: 'full', format: 'busybox' });
  execFileSync('python3', [path.join(HERE, 'make_py_archives.py'), dir]);
  pyManifest = JSON.parse(fs.readFileSync(path.join(dir, 'py-manifest.json'), 'utf8'));
  for (const f of ['pax', 'gnu', 'ustar']) {
    archives.push({ name: `Python tarfile ${f.toUpperCase()}_FORMAT`, file: path.join(dir, `py-${f}.tar`), format: `py-${f}` as ToolArchive['format'] });
  }
}, 300_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

async function read(a: ToolArchive) {
  let r = reads.get(a.file);
  if (!r) {
    r = await readAll(fs.readFileSync(a.file), { chunk: 65536, reader: { digests: true } });
    reads.set(a.file, r);
  }
  return r;
}

const names = ['GNU tar --format=gnu', 'GNU tar --format=posix', 'GNU tar --format=ustar', 'GNU tar --format=v7', 'busybox tar',
  'Python tarfile PAX_FORMAT', 'Python tarfile GNU_FORMAT', 'Python tarfile USTAR_FORMAT'];
const byName = (n: string) => archives.find((a) => a.name === n)!;

describe.each(names)('%s', (name) => {
  it('reads every field as Python tarfile does', { timeout: 120_000 }, async () => {
    const a = byName(name);
    const r = await read(a);
    const py = pyList(a.file).map(fromPy);
    expect(r.entries.length).toBe(py.length);
    for (let i = 0; i < py.length; i++) expect(comparable(r.entries[i]!), `entry ${i}`).toEqual(py[i]);
  });

  it('re-creates the archive from raw, bodies, padding and trailer', { timeout: 120_000 }, async () => {
    const a = byName(name);
    const buf = fs.readFileSync(a.file);
    const r = await read(a);
    expect(sha256hex(reassemble(r))).toBe(sha256hex(buf));
    // The trailer starts at the end-of-archive marker: zero blocks up to the end.
    expect(r.trailer.length).toBeGreaterThanOrEqual(512);
    expect(r.trailer.every((b) => b === 0)).toBe(true);
    if (a.format !== 'busybox') expect(buf.length % 10240).toBe(0); // GNU tar and tarfile pad to 20-block records
  });

  it('joinTar(skeleton) reproduces the archive byte for byte', { timeout: 120_000 }, async () => {
    const a = byName(name);
    const buf = fs.readFileSync(a.file);
    const store = new Map<string, Uint8Array>();
    const random = rng(42);
    const skeleton = await splitTar(chunks(buf, () => 1 + Math.floor(random() * 20000)), async (e) => {
      if (e.type === 'file' && e.size > 0 && random() < 0.5) {
        // Half the bodies are consumed, half are left to the reader to skip.
        const content = await collect(e.body());
        expect(e.digest).toBe(`sha256:${sha256hex(content)}`);
      }
    });
    for (const e of (await read(a)).entries) if (e.type === 'file' && e.size > 0) store.set(e.digest!, e.content);
    const out = await collect(joinTar(skeleton, async function* (d, size) {
      const b = store.get(d)!;
      expect(b.length).toBe(size);
      yield* chunks(b, 7000);
    }, { verify: true }));
    expect(out.length).toBe(buf.length);
    expect(sha256hex(out)).toBe(sha256hex(buf));
    // Far smaller than the archive's non-file bytes.
    let overhead = 0;
    for (const e of (await read(a)).entries) overhead += e.raw.length + e.padding.length;
    expect(skeleton.length).toBeLessThan(overhead / 4);
  });
});

describe('entries match what the tools were asked to archive', () => {
  function checkTree(r: ReadEntryResult[], tree: Map<string, FsExpect>, format: ToolArchive['format']) {
    expect(new Set(r.map((e) => e.path))).toEqual(new Set(tree.keys()));
    const seenFiles = new Map<string, ReadEntryResult>();
    for (const e of r) {
      const want = tree.get(e.path)!;
      const where = `${format}: ${JSON.stringify(e.path)}`;
      if (e.type === 'hardlink') {
        // A second name of a file archived before: same inode on disk.
        expect(want.type, where).toBe('file');
        expect(seenFiles.has(e.linkname), where).toBe(true);
        expect(tree.get(e.linkname)!.ino, where).toBe(want.ino);
      } else {
        expect(e.type, where).toBe(want.type);
      }
      if (e.type === 'file') {
        seenFiles.set(e.path, e);
        expect(e.size, where).toBe(want.size);
        expect(e.sha256, where).toBe(want.sha256);
      }
      expect(e.mode, where).toBe(want.mode);
      expect(e.uid, where).toBe(want.uid);
      expect(e.gid, where).toBe(want.gid);
      const frac = format === 'posix' && want.nsec ? Number(`${want.sec}.${String(want.nsec).padStart(9, '0')}`) : want.sec;
      expect(e.mtime, where).toBe(frac);
      if (e.type === 'symlink') expect(e.linkname, where).toBe(want.linkname);
      if (e.type === 'char' || e.type === 'block') {
        expect([e.devmajor, e.devminor], where).toEqual([want.devmajor, want.devminor]);
      }
      // Names of ids without one: GNU tar leaves uname empty, busybox writes the number.
      if (format !== 'v7') expect(e.uname, where).toBe(want.uid === 0 ? 'root' : format === 'busybox' ? String(want.uid) : '');
    }
  }

  it.each(['gnu', 'posix', 'ustar', 'v7', 'busybox'] as const)('%s', { timeout: 120_000 }, async (format) => {
    const a = archives.find((x) => x.format === format)!;
    const r = (await read(a)).entries;
    checkTree(r, trees.get(a.tree!)!, format);
  });

  it('covers the hard cases in the GNU and pax archives', { timeout: 120_000 }, async () => {
    for (const format of ['gnu', 'posix', 'busybox'] as const) {
      const r = (await read(archives.find((x) => x.format === format)!)).entries;
      const get = (p: string) => r.find((e) => e.path === p);
      expect(LONG_DEEP.length).toBeGreaterThan(255);
      // One of the two names is the file, the other a hardlink to it (busybox: in readdir order).
      expect([get(LONG_DEEP)?.type, get('long2/hard')?.type].sort()).toEqual(['file', 'hardlink']);
      if (format !== 'busybox') expect(get('long2/hard')).toMatchObject({ type: 'hardlink', linkname: LONG_DEEP });
      expect(get(LONG_SEGMENT)?.type).toBe('file');
      expect(get(LONG_SPLIT)?.type).toBe('file');
      expect(get(UNICODE_NAME)?.sha256).toBe(sha256hex(Buffer.from('unicode ✓\n')));
      expect(get('links/longsym')).toMatchObject({ type: 'symlink', linkname: LONG_TARGET });
      expect(get('owners/big')).toMatchObject({ uid: 3000000, gid: 3000001 });
      expect(get('big/blob.bin')?.size).toBe(BIG);
      expect(r.filter((e) => e.path.startsWith('many/')).length).toBe(MANY);
      expect(get('special/fifo')?.type).toBe('fifo');
      if (devices) {
        expect(get('special/null')).toMatchObject({ type: 'char', devmajor: 1, devminor: 3 });
        expect(get('special/sda1')).toMatchObject({ type: 'block', devmajor: 8, devminor: 1 });
      }
    }
    const posix = (await read(archives.find((x) => x.format === 'posix')!)).entries;
    expect(posix.find((e) => e.path === 'times/frac')!.mtime).toBe(1700000000.123456789);
    expect(posix.find((e) => e.path === 'xattr/file')!.xattrs).toMatchObject({ 'user.comment': '68656c6c6f', 'user.bin': '0001ff' });
    for (const e of posix) if (e.path !== 'xattr/file') expect(Object.keys(e.xattrs).filter((k) => k.startsWith('user.'))).toEqual([]);
  });

  it.each(['pax', 'gnu', 'ustar'])('Python tarfile %s: the manifest of what tarfile was asked to write', { timeout: 120_000 }, async (f) => {
    const a = archives.find((x) => x.format === `py-${f}`)!;
    const r = (await read(a)).entries;
    const want = pyManifest[`py-${f}.tar`]!;
    expect(r.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const e = r[i]!;
      const { sha256, xattrs, ...fields } = want[i] as { sha256: string | null; xattrs: Record<string, string> };
      expect({ ...e, xattrs: undefined, content: undefined, raw: undefined, padding: undefined, pax: undefined, offset: undefined, digest: undefined, sha256: undefined })
        .toMatchObject({ ...fields });
      if (e.type === 'file') expect(e.sha256).toBe(sha256);
      // All xattrs, libarchive's and binary ones included.
      expect(e.xattrs).toEqual(xattrs);
      if (f === 'pax') expect(e.pax.comment).toBe('made by tarfile'); // the global header applies to all
    }
  });
});

describe('chunk boundaries', () => {
  it('gives the same entries, raw bytes and skeleton whatever the chunking', { timeout: 180_000 }, async () => {
    const a = archives.find((x) => x.format === 'posix')!;
    const buf = fs.readFileSync(a.file);
    const base = await readAll(buf, { chunk: buf.length, reader: { digests: true } });
    const baseSkeleton = await splitTar(chunks(buf, buf.length));
    const random = rng(7);
    for (const chunk of [512, 513, () => 1 + Math.floor(random() * 3000)]) {
      const r = await readAll(buf, { chunk, reader: { digests: true } });
      expect(r.entries.length).toBe(base.entries.length);
      for (let i = 0; i < r.entries.length; i++) {
        // Bytes compared with Buffer.compare: deep equality on typed arrays is slow.
        const { content, raw, padding, ...rest } = r.entries[i]!;
        const { content: baseContent, raw: baseRaw, padding: basePadding, ...baseRest } = base.entries[i]!;
        expect(rest).toEqual(baseRest);
        expect(Buffer.compare(content, baseContent)).toBe(0);
        expect(Buffer.compare(raw, baseRaw)).toBe(0);
        expect(Buffer.compare(padding, basePadding)).toBe(0);
      }
      expect(Buffer.compare(r.trailer, base.trailer)).toBe(0);
      expect(Buffer.compare(await splitTar(chunks(buf, chunk)), baseSkeleton)).toBe(0);
    }
  });

  it('reads an archive delivered one byte at a time', { timeout: 120_000 }, async () => {
    const small = path.join(dir, 'small.tar');
    execFileSync('tar', ['--format=posix', '--sort=name', '--xattrs', '-cf', small, '-C', path.join(dir, 'full'), 'd', 'links', 'long', 'unicode', 'xattr']);
    const buf = fs.readFileSync(small);
    const whole = await readAll(buf, { chunk: buf.length });
    const bytewise = await readAll(buf, { chunk: 1 });
    expect(bytewise.entries.map((e) => comparable(e, false))).toEqual(whole.entries.map((e) => comparable(e, false)));
    expect(sha256hex(reassemble(bytewise))).toBe(sha256hex(buf));
    expect(bytewise.entries.map((e) => comparable(e))).toEqual(pyList(small).map(fromPy));
  });
});
