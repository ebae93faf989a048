/**
 * The canonical tar writer. A layer's diff_id is the SHA-256 of this writer's output,
 * so every choice below is part of layerbox's format for good: the same entries
 * always give the same bytes, on every host. Change nothing here without giving the
 * output a new name.
 *
 * Canonical layerbox tar, version 1:
 *
 * - Entries are written in the order given (the caller sorts). Each entry is an
 *   optional pax `x` header (header block, records, zero padding), one ustar header
 *   block, then for a file its content zero-padded to a multiple of 512 bytes. After
 *   the last entry come two zero blocks, with no padding to a record size.
 * - The ustar header block; every byte not named here is NUL:
 *   - name, prefix: the path, with '/' appended for directories; the root is "./".
 *     An ASCII name of at most 100 bytes goes in `name`. A longer ASCII name is split
 *     at the last '/' within its first 156 bytes (a trailing '/' is not a split
 *     point) when that leaves a non-empty `name` of at most 100 bytes and a `prefix`
 *     of at most 155. Otherwise, and whenever the name is not ASCII, a pax `path`
 *     record holds it and `name` holds a placeholder: the name with each non-ASCII
 *     character replaced by '?', cut to 100 bytes.
 *   - mode: the permission bits (mask 0o7777) as 7 octal digits and a NUL.
 *   - uid, gid: 7 octal digits and a NUL; above 0o7777777 the field is 0 and a pax
 *     `uid` / `gid` record holds the value in decimal.
 *   - size: 11 octal digits and a NUL; 0 for everything but files; above
 *     0o77777777777 the field is 0 and a pax `size` record holds it.
 *   - mtime: whole seconds, floor(mtime), 11 octal digits and a NUL; above
 *     0o77777777777 the field is 0 and a pax `mtime` record holds the integer.
 *   - chksum: 6 octal digits, NUL, space.
 *   - typeflag: '0' file, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo.
 *   - linkname: an ASCII target of at most 100 bytes; otherwise a pax `linkpath`
 *     record and a placeholder made as for `name`.
 *   - magic "ustar\0", version "00"; uname and gname empty.
 *   - devmajor, devminor: 7 octal digits and a NUL (0 except for devices).
 * - The pax `x` header block: name "././@PaxHeader", mode 0o644, uid, gid and mtime 0,
 *   size the length of the records, typeflag 'x', otherwise as above. Its records,
 *   `"<length> <key>=<value>\n"`, are sorted by the UTF-8 bytes of their keys. Keys
 *   used: path, linkpath, size, uid, gid, mtime, and SCHILY.xattr.<name> whose value
 *   is the attribute's raw bytes. Nothing else (no atime, ctime, uname, gname).
 */
import { DataLossError, InvalidArgumentError } from '../errors.ts';
import type { ByteStream } from '../host.ts';
import type { TarBodySource, TarEntryType, TarWriteEntry } from './entry.ts';
import { Gather } from './gather.ts';
import {
  BLOCK,
  DEVMAJOR,
  DEVMINOR,
  GID,
  LINKNAME,
  MAGIC,
  MODE,
  MTIME,
  NAME,
  octalMax,
  PREFIX,
  putBytes,
  putChecksum,
  putOctal,
  SIZE,
  TYPEFLAG,
  UID,
  VERSION,
} from './header.ts';
import { cleanPath } from './path.ts';
import { compareUtf8, formatPaxRecords, type PaxRecord } from './pax.ts';

const FLAGS: Record<TarEntryType, number> = {
  file: 0x30,
  hardlink: 0x31,
  symlink: 0x32,
  char: 0x33,
  block: 0x34,
  dir: 0x35,
  fifo: 0x36,
};

const encoder = new TextEncoder();

/** The validated, normalized form of a TarWriteEntry. */
interface Planned {
  header: Uint8Array;
  type: TarEntryType;
  path: string;
  size: number;
}

/**
 * The header blocks of one entry in canonical form: the pax `x` header with its
 * records when one is needed, then the ustar header. Throws InvalidArgumentError for
 * an entry that cannot be written (unsafe path, out-of-range number, ...).
 */
export function tarHeaderBytes(entry: TarWriteEntry): Uint8Array {
  return plan(entry).header;
}

/**
 * Write entries as a canonical tar archive (see the format above). Bodies are read
 * one at a time, as the output is consumed; a body that gives more or fewer bytes
 * than `size` fails with DataLossError.
 */
export async function* writeTar(entries: AsyncIterable<TarWriteEntry> | Iterable<TarWriteEntry>): ByteStream {
  const out = new Gather();
  for await (const e of entries) {
    const p = plan(e);
    out.put(p.header);
    if (p.type === 'file' && p.size > 0) {
      let got = 0;
      for await (const chunk of openBody(e, p)) {
        if (!(chunk instanceof Uint8Array)) throw new InvalidArgumentError(`tar write: entry ${JSON.stringify(p.path)}: body yielded a chunk that is not a Uint8Array`);
        got += chunk.length;
        if (got > p.size) throw new DataLossError(`tar write: entry ${JSON.stringify(p.path)}: body is longer than its size ${p.size}`);
        out.put(chunk);
        yield* out.drain();
      }
      if (got !== p.size) throw new DataLossError(`tar write: entry ${JSON.stringify(p.path)}: body has ${got} bytes, size says ${p.size}`);
      out.zeros((BLOCK - (p.size % BLOCK)) % BLOCK);
    }
    yield* out.drain();
  }
  out.zeros(2 * BLOCK);
  out.flush();
  yield* out.drain();
}

function openBody(e: TarWriteEntry, p: Planned): ByteStream {
  const body: TarBodySource | undefined = e.body;
  if (body === undefined) throw new InvalidArgumentError(`tar write: entry ${JSON.stringify(p.path)}: file of ${p.size} bytes has no body`);
  if (body instanceof Uint8Array) return (async function* () { yield body; })();
  if (typeof body === 'function') {
    // Called on the entry, so a reader's TarEntry (whose body is a method) works as is.
    const opened = (body as () => ByteStream | Promise<ByteStream>).call(e);
    return (async function* () { yield* await opened; })();
  }
  return body;
}

function plan(e: TarWriteEntry): Planned {
  const shown = JSON.stringify(typeof e?.path === 'string' ? e.path : String(e?.path));
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`tar write: entry ${shown}: ${why}`);
  };
  if (typeof e?.path !== 'string') bad('path is not a string');
  const type = e.type;
  const flag = FLAGS[type];
  if (flag === undefined || !Object.hasOwn(FLAGS, type)) bad(`unknown type ${JSON.stringify(type)}`);

  let path = '';
  if (e.path !== '') {
    const clean = cleanPath(e.path);
    if (typeof clean !== 'string') bad(clean.error);
    path = clean as string;
  }
  if (path === '' && type !== 'dir') bad('the archive root must be a directory');

  const int = (v: number | undefined, fallback: number, max: number, what: string): number => {
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < 0 || v > max) bad(`${what} ${v} is not an integer from 0 to ${max}`);
    return v;
  };
  const mode = int(e.mode, type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644, 0o7777, 'mode');
  const uid = int(e.uid, 0, Number.MAX_SAFE_INTEGER, 'uid');
  const gid = int(e.gid, 0, Number.MAX_SAFE_INTEGER, 'gid');
  let mtime = 0;
  if (e.mtime !== undefined) {
    if (!Number.isFinite(e.mtime) || e.mtime < 0 || e.mtime > Number.MAX_SAFE_INTEGER) bad(`mtime ${e.mtime} is out of range`);
    mtime = Math.floor(e.mtime);
  }
  let size = 0;
  if (type === 'file') {
    const fallback = e.body instanceof Uint8Array ? e.body.length : 0;
    size = int(e.size, fallback, Number.MAX_SAFE_INTEGER, 'size');
  }
  let devmajor = 0;
  let devminor = 0;
  if (type === 'char' || type === 'block') {
    devmajor = int(e.devmajor, 0, octalMax(8), 'devmajor');
    devminor = int(e.devminor, 0, octalMax(8), 'devminor');
  }
  let linkname = '';
  if (type === 'hardlink') {
    const clean = cleanPath(e.linkname ?? '');
    if (typeof clean !== 'string') bad(`hardlink target ${JSON.stringify(e.linkname ?? '')}: ${clean.error}`);
    if (clean === '') bad('hardlink to the archive root');
    linkname = clean as string;
  } else if (type === 'symlink') {
    linkname = e.linkname ?? '';
    if (typeof linkname !== 'string' || linkname === '') bad('empty symlink target');
    if (linkname.includes('\0')) bad('symlink target contains NUL');
  } else if (e.linkname) {
    bad(`a ${type} has no link target`);
  }

  const records: PaxRecord[] = [];
  const h = new Uint8Array(BLOCK);

  const name = path === '' ? './' : type === 'dir' ? path + '/' : path;
  const nameBytes = encoder.encode(name);
  const ascii = isAscii(name);
  if (ascii && nameBytes.length <= 100) {
    putBytes(h, NAME, 100, nameBytes);
  } else {
    const split = ascii ? splitUstar(nameBytes) : undefined;
    if (split) {
      putBytes(h, PREFIX, 155, split.prefix);
      putBytes(h, NAME, 100, split.name);
    } else {
      records.push({ key: 'path', value: nameBytes });
      putBytes(h, NAME, 100, placeholder(name));
    }
  }
  if (linkname) {
    const linkBytes = encoder.encode(linkname);
    if (isAscii(linkname) && linkBytes.length <= 100) {
      putBytes(h, LINKNAME, 100, linkBytes);
    } else {
      records.push({ key: 'linkpath', value: linkBytes });
      putBytes(h, LINKNAME, 100, placeholder(linkname));
    }
  }
  const numeric = (off: number, len: number, key: string, v: number): void => {
    if (v <= octalMax(len)) {
      putOctal(h, off, len, v);
    } else {
      putOctal(h, off, len, 0);
      records.push({ key, value: encoder.encode(String(v)) });
    }
  };
  putOctal(h, MODE, 8, mode);
  numeric(UID, 8, 'uid', uid);
  numeric(GID, 8, 'gid', gid);
  numeric(SIZE, 12, 'size', size);
  numeric(MTIME, 12, 'mtime', mtime);
  h[TYPEFLAG] = flag;
  putUstarMagic(h);
  putOctal(h, DEVMAJOR, 8, devmajor);
  putOctal(h, DEVMINOR, 8, devminor);
  putChecksum(h);

  if (e.xattrs) {
    for (const [k, v] of Object.entries(e.xattrs)) {
      if (k === '' || k.includes('\0') || k.includes('=')) bad(`bad xattr name ${JSON.stringify(k)}`);
      if (!(v instanceof Uint8Array)) bad(`xattr ${JSON.stringify(k)} is not bytes`);
      records.push({ key: 'SCHILY.xattr.' + k, value: v });
    }
  }
  if (records.length === 0) return { header: h, type, path, size };

  records.sort((a, b) => compareUtf8(a.key, b.key));
  const data = formatPaxRecords(records);
  const padded = Math.ceil(data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(BLOCK + padded + BLOCK);
  const x = out.subarray(0, BLOCK);
  putBytes(x, NAME, 100, encoder.encode('././@PaxHeader'));
  putOctal(x, MODE, 8, 0o644);
  putOctal(x, UID, 8, 0);
  putOctal(x, GID, 8, 0);
  putOctal(x, SIZE, 12, data.length);
  putOctal(x, MTIME, 12, 0);
  x[TYPEFLAG] = 0x78;
  putUstarMagic(x);
  putOctal(x, DEVMAJOR, 8, 0);
  putOctal(x, DEVMINOR, 8, 0);
  putChecksum(x);
  out.set(data, BLOCK);
  out.set(h, BLOCK + padded);
  return { header: out, type, path, size };
}

function putUstarMagic(h: Uint8Array): void {
  h.set([0x75, 0x73, 0x74, 0x61, 0x72, 0x00], MAGIC); // "ustar\0"
  h.set([0x30, 0x30], VERSION); // "00"
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function placeholder(s: string): Uint8Array {
  return encoder.encode(s.replace(/[^\x00-\x7f]/gu, '?')).subarray(0, 100);
}

/** Split a long ASCII name into ustar prefix and name, or undefined when it cannot be. */
function splitUstar(b: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | undefined {
  let end = Math.min(b.length, 156);
  if (end === b.length && b[end - 1] === 0x2f) end--;
  const i = b.subarray(0, end).lastIndexOf(0x2f);
  if (i <= 0) return undefined;
  const name = b.subarray(i + 1);
  if (name.length === 0 || name.length > 100 || i > 155) return undefined;
  return { prefix: b.subarray(0, i), name };
}
