// Shared helpers for the tar codec tests: byte streams over buffers, reading a whole
// archive, Python's tarfile as an independent oracle, and a file tree for real tar
// tools to archive.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ByteStream } from '../../../shared/host.ts';
import { readTar, type ReadTarOptions, type TarEntryType } from '../../../shared/tar/index.ts';

export const HERE = path.dirname(fileURLToPath(import.meta.url));

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'layerbox-tar-'));
}

export function sha256hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** A seeded PRNG (mulberry32), so fuzz and chunking runs are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The buffer as a stream of views, `size` bytes each (or as `size()` says, per chunk). */
export async function* chunks(buf: Uint8Array, size: number | (() => number) = 65536): ByteStream {
  for (let i = 0; i < buf.length; ) {
    const n = Math.max(1, typeof size === 'number' ? size : size());
    yield buf.subarray(i, i + n);
    i += n;
  }
}

export async function collect(s: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of s) parts.push(c.slice());
  return Buffer.concat(parts);
}

export interface ReadEntryResult {
  path: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** name → hex */
  xattrs: Record<string, string>;
  pax: Record<string, string>;
  offset: number;
  raw: Uint8Array;
  padding: Uint8Array;
  content: Uint8Array;
  sha256: string | null;
  digest: string | undefined;
}

/** Read a whole archive, consuming every body. */
export async function readAll(
  buf: Uint8Array,
  opts: { chunk?: number | (() => number); reader?: ReadTarOptions } = {},
): Promise<{ entries: ReadEntryResult[]; trailer: Uint8Array }> {
  const r = readTar(chunks(buf, opts.chunk), opts.reader);
  const entries: ReadEntryResult[] = [];
  for await (const e of r) {
    const content = await collect(e.body());
    entries.push({
      path: e.path,
      type: e.type,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      uname: e.uname,
      gname: e.gname,
      mtime: e.mtime,
      size: e.size,
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
      xattrs: Object.fromEntries(Object.entries(e.xattrs).map(([k, v]) => [k, hex(v)])),
      pax: { ...e.pax },
      offset: e.offset,
      raw: e.raw,
      padding: e.padding!,
      content,
      sha256: e.type === 'file' ? sha256hex(content) : null,
      digest: e.digest,
    });
  }
  return { entries, trailer: r.trailer! };
}

/** raw + content + padding of every entry, then the trailer: must be the archive itself. */
export function reassemble(r: { entries: ReadEntryResult[]; trailer: Uint8Array }): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of r.entries) parts.push(e.raw, e.content, e.padding);
  parts.push(r.trailer);
  return Buffer.concat(parts);
}

export interface PyMember {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  pax: Record<string, string>;
  sha256: string | null;
}

/** The archive as Python's tarfile reads it. */
export function pyList(file: string): PyMember[] {
  const out = execFileSync('python3', [path.join(HERE, 'list_tar.py'), file], { maxBuffer: 256 << 20 });
  return JSON.parse(out.toString());
}

const PY_TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** Python's view of a member in the reader's vocabulary (its own simple name cleaning). */
export function fromPy(m: PyMember): Omit<ReadEntryResult, 'offset' | 'raw' | 'padding' | 'content' | 'digest' | 'pax'> {
  const clean = (n: string) => (n === '.' ? '' : n.replace(/^(\.\/)+/, '').replace(/\/+$/, ''));
  const type = PY_TYPES[m.type]!;
  const xattrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.pax)) {
    if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice(13)] = v;
  }
  const device = type === 'char' || type === 'block';
  return {
    path: clean(m.name),
    type,
    mode: m.mode & 0o7777,
    uid: m.uid,
    gid: m.gid,
    uname: m.uname,
    gname: m.gname,
    mtime: m.mtime,
    size: type === 'file' ? m.size : 0,
    linkname: type === 'hardlink' ? clean(m.linkname) : type === 'symlink' ? m.linkname : '',
    devmajor: device ? m.devmajor : 0,
    devminor: device ? m.devminor : 0,
    xattrs,
    sha256: m.sha256,
  };
}

/** Our reader's entry with only the fields Python also reports (xattrs: SCHILY only). */
export function comparable(e: ReadEntryResult, schilyOnly = true): ReturnType<typeof fromPy> {
  const xattrs = { ...e.xattrs };
  if (schilyOnly) {
    for (const k of Object.keys(xattrs)) if (!(`SCHILY.xattr.${k}` in e.pax)) delete xattrs[k];
  }
  return {
    path: e.path,
    type: e.type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    uname: e.uname,
    gname: e.gname,
    mtime: e.mtime,
    size: e.size,
    linkname: e.linkname,
    devmajor: e.devmajor,
    devminor: e.devminor,
    xattrs,
    sha256: e.sha256,
  };
}

// ---------------------------------------------------------------------------------
// A file tree for GNU tar and busybox tar, and what lstat says about it.

export type TreeFlavor = 'full' | 'ustar' | 'v7';

export const LONG_SPLIT = `long/${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(90)}.txt`; // > 100, splittable
export const LONG_DEEP = `long/${Array(5).fill('d'.repeat(57)).join('/')}/file.txt`; // > 255
export const LONG_SEGMENT = `long/${'n'.repeat(150)}`; // one segment > 100: never splittable
export const UNICODE_NAME = 'unicode/ünïcødé/日本語/😀.txt';
export const LONG_TARGET = 'x'.repeat(150);

export interface TreeOptions {
  devices: boolean;
  manyFiles: number;
  bigFile: number;
}

/**
 * Build a tree under `root` with everything a flavor can hold: full (GNU and pax),
 * ustar (no names beyond 255 bytes or unsplittable, no link targets beyond 100, no
 * ids beyond 2097151) and v7 (short names, files, dirs and links only).
 */
export function buildTree(root: string, flavor: TreeFlavor, o: TreeOptions): void {
  const at = (p: string) => path.join(root, p);
  const file = (p: string, data: Uint8Array | string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(at(p)), { recursive: true });
    fs.writeFileSync(at(p), data);
    fs.chmodSync(at(p), mode);
  };
  fs.mkdirSync(root, { recursive: true });
  file('d/hello.txt', 'hello\n', 0o640);
  file('d/empty', '');
  file('modes/suid', '#!/bin/sh\n', 0o4755);
  fs.mkdirSync(at('modes/sticky'));
  fs.chmodSync(at('modes/sticky'), 0o1777);
  fs.mkdirSync(at('links'));
  fs.symlinkSync('../d/hello.txt', at('links/sym'));
  fs.linkSync(at('d/hello.txt'), at('links/hard'));
  file('big/blob.bin', randomBytes(o.bigFile));
  for (let i = 0; i < o.manyFiles; i++) file(`many/f${String(i).padStart(5, '0')}`, randomBytes((i * 37) % 2000));
  file('times/epoch', 'epoch\n');
  fs.utimesSync(at('times/epoch'), 0, 0);
  if (flavor === 'v7') return;

  file(LONG_SPLIT, 'split\n');
  file(UNICODE_NAME, 'unicode ✓\n');
  fs.mkdirSync(at('special'));
  execFileSync('mkfifo', [at('special/fifo')]);
  if (o.devices) {
    execFileSync('mknod', [at('special/null'), 'c', '1', '3']);
    execFileSync('mknod', [at('special/sda1'), 'b', '8', '1']);
  }
  file('times/frac', 'frac\n');
  execFileSync('touch', ['-d', '@1700000000.123456789', at('times/frac')]);
  if (flavor === 'ustar') return;

  file(LONG_DEEP, 'deep\n');
  file(LONG_SEGMENT, 'segment\n');
  fs.symlinkSync(LONG_TARGET, at('links/longsym'));
  // Sorts after LONG_DEEP, so tar --sort=name archives it as a hardlink with a long target.
  fs.mkdirSync(at('long2'));
  fs.linkSync(at(LONG_DEEP), at('long2/hard'));
  file('owners/big', 'big ids\n');
  fs.chownSync(at('owners/big'), 3000000, 3000001);
  file('xattr/file', 'xattrs\n');
  execFileSync('python3', ['-c', `import os,sys; os.setxattr(sys.argv[1], 'user.comment', b'hello'); os.setxattr(sys.argv[1], 'user.bin', bytes([0, 1, 255]))`, at('xattr/file')]);
}

export interface FsExpect {
  path: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  /** seconds and nanoseconds from lstat */
  sec: number;
  nsec: number;
  size: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  ino: bigint;
  nlink: number;
  sha256: string | null;
}

/** What lstat says about every path under root ('' is the root itself). */
export function lstatTree(root: string): Map<string, FsExpect> {
  const out = new Map<string, FsExpect>();
  const walk = (rel: string) => {
    const abs = rel ? path.join(root, rel) : root;
    const st = fs.lstatSync(abs, { bigint: true });
    const mode = Number(st.mode);
    const kind = mode & 0o170000;
    const type: TarEntryType =
      kind === 0o040000 ? 'dir' : kind === 0o120000 ? 'symlink' : kind === 0o010000 ? 'fifo' : kind === 0o020000 ? 'char' : kind === 0o060000 ? 'block' : 'file';
    const rdev = Number(st.rdev);
    out.set(rel, {
      path: rel,
      type,
      mode: mode & 0o7777,
      uid: Number(st.uid),
      gid: Number(st.gid),
      sec: Number(st.mtimeNs / 1_000_000_000n),
      nsec: Number(st.mtimeNs % 1_000_000_000n),
      size: type === 'file' ? Number(st.size) : 0,
      linkname: type === 'symlink' ? fs.readlinkSync(abs) : '',
      devmajor: type === 'char' || type === 'block' ? ((rdev >> 8) & 0xfff) : 0,
      devminor: type === 'char' || type === 'block' ? ((rdev & 0xff) | ((rdev >> 12) & 0xfff00)) : 0,
      ino: st.ino,
      nlink: Number(st.nlink),
      sha256: type === 'file' ? sha256hex(fs.readFileSync(abs)) : null,
    });
    if (type === 'dir') for (const name of fs.readdirSync(abs).sort()) walk(rel ? `${rel}/${name}` : name);
  };
  walk('');
  return out;
}

/** Can this process make device nodes? (root in most containers can; some sandboxes forbid it.) */
export function canMknod(dir: string): boolean {
  try {
    execFileSync('mknod', [path.join(dir, 'probe'), 'c', '1', '3'], { stdio: 'ignore' });
    fs.rmSync(path.join(dir, 'probe'));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------
// Hand-made archives, for malformed input. Independent of the code under test.

export interface RawHeaderFields {
  name?: string | Uint8Array;
  mode?: string;
  uid?: string | Uint8Array;
  gid?: string;
  size?: number | string | Uint8Array;
  mtime?: string;
  typeflag?: string;
  linkname?: string;
  /** 'ustar' (default), 'gnu' or 'v7' (no magic) */
  magic?: 'ustar' | 'gnu' | 'v7';
  prefix?: string;
  devmajor?: string;
  devminor?: string;
}

/** One 512-byte header block with a correct checksum (unless `badChecksum`). */
export function rawHeader(f: RawHeaderFields, badChecksum = false): Uint8Array {
  const b = new Uint8Array(512);
  const put = (off: number, v: string | Uint8Array) => b.set(typeof v === 'string' ? Buffer.from(v) : v, off);
  put(0, f.name ?? 'file');
  put(100, f.mode ?? '0000644\0');
  put(108, f.uid ?? '0000000\0');
  put(116, f.gid ?? '0000000\0');
  const size = f.size ?? 0;
  put(124, typeof size === 'number' ? size.toString(8).padStart(11, '0') + '\0' : size);
  put(136, f.mtime ?? '14000000000\0');
  put(156, f.typeflag ?? '0');
  put(157, f.linkname ?? '');
  const magic = f.magic ?? 'ustar';
  if (magic === 'ustar') put(257, 'ustar\x0000');
  if (magic === 'gnu') put(257, 'ustar  \0');
  if (f.devmajor) put(329, f.devmajor);
  if (f.devminor) put(337, f.devminor);
  if (f.prefix) put(345, f.prefix);
  b.fill(0x20, 148, 156);
  const sum = b.reduce((a, x) => a + x, 0) + (badChecksum ? 1 : 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

/** Data padded with zeros to a multiple of 512. */
export function padded(data: Uint8Array | string): Uint8Array {
  const d = typeof data === 'string' ? Buffer.from(data) : data;
  const out = new Uint8Array(Math.ceil(d.length / 512) * 512);
  out.set(d);
  return out;
}

/** pax records, each `"<len> <key>=<value>\n"` with a correct length. */
export function paxRecords(records: Record<string, string | Uint8Array>): Uint8Array {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len++;
    parts.push(Buffer.concat([Buffer.from(String(len)), body]));
  }
  return Buffer.concat(parts);
}

/** A pax `x` (or `g`) header with its data. */
export function paxHeader(records: Record<string, string | Uint8Array> | Uint8Array, typeflag = 'x'): Uint8Array {
  const data = records instanceof Uint8Array ? records : paxRecords(records);
  return Buffer.concat([rawHeader({ name: 'PaxHeader', typeflag, size: data.length }), padded(data)]);
}

export const END = new Uint8Array(1024);

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
