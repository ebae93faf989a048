/**
 * A streaming tar reader: ustar, POSIX pax (per-entry `x` and global `g` headers),
 * GNU (long names and links, base-256 numbers) and old v7 archives.
 *
 * Why it is written here rather than taken from npm: layerbox keeps a layer as a
 * content-addressed tree and must re-create the original uncompressed tar byte for
 * byte on export, so that Docker's diff_ids (the SHA-256 of the uncompressed tar)
 * still match after a round trip. That needs the exact bytes of every header block,
 * extension header, padding and trailer, which no tar library exposes (tar-stream and
 * modern-tar hand out parsed headers only). The core must also run unchanged in Node
 * and browsers over `AsyncIterable<Uint8Array>`, and must reject hostile archives
 * (escaping paths, header bombs) with typed errors that name the entry and offset.
 *
 * Contracts:
 * - Entries come in archive order. Each entry's body is read through `body()` or left
 *   alone; asking for the next entry skips what is left of it. Bodies are views of the
 *   source's chunks: no copies.
 * - The archive ends at its first all-zero block (or cleanly at a block boundary with
 *   no marker); everything from there to the end of the stream is `trailer`, so
 *   `raw`, body, `padding` of every entry, then `trailer`, is the input exactly.
 * - Errors: DataLossError for a bad checksum or a stream that ends inside a header,
 *   body or padding; InvalidArgumentError for malformed fields, unsafe names and
 *   unsupported entry types (GNU sparse, volume labels, ...); ResourceExhaustedError
 *   when a configured limit is hit. Every message names the entry and its byte offset.
 * - Duplicate paths are not checked here: that is the importer's job.
 */
import type { Digest } from '../digest/digest.ts';
import type { Hasher } from '../digest/hasher.ts';
import { DataLossError, FailedPreconditionError, InvalidArgumentError, ResourceExhaustedError } from '../errors.ts';
import { host, type ByteStream } from '../host.ts';
import type { TarEntry, TarEntryType, TarWriteEntry } from './entry.ts';
import {
  BLOCK,
  CHKSUM,
  computeChecksum,
  cstring,
  DEVMAJOR,
  DEVMINOR,
  fieldText,
  GID,
  GNAME,
  headerFormat,
  isZeroBlock,
  LINKNAME,
  MALFORMED,
  MODE,
  MTIME,
  NAME,
  NEGATIVE,
  parseNumeric,
  PREFIX,
  SIZE,
  TYPEFLAG,
  UID,
  UNAME,
} from './header.ts';
import { cleanPath } from './path.ts';
import { decodeBase64, decodePercent, decodeUtf8, parsePaxRecords } from './pax.ts';
import { ByteSource, copy } from './source.ts';
import { collectBytes } from '../util/bytes.ts';

/**
 * Receives, in archive order, everything the reader passes: verbatim bytes (headers,
 * padding, trailer) and, in place of each non-empty regular file's content, its digest
 * and size. The skeleton recorder is one; concatenating `bytes` with the file contents
 * re-creates the archive exactly.
 */
export interface TarSink {
  bytes(b: Uint8Array): void;
  file(digest: Digest, size: number): void;
  /** The archive ended; `total` is its length in bytes. */
  end(total: number): void;
}

export interface ReadTarOptions {
  /** Most entries accepted (extension headers not counted). Default 1,000,000. */
  maxEntries?: number;
  /**
   * Most bytes of extension header data (pax records, GNU long names) in force for
   * one entry, and most bytes of global pax records. Default 1 MiB.
   */
  maxHeaderBytes?: number;
  /** Most bytes from the end-of-archive marker to the end of the stream. Default 1 MiB. */
  maxTrailerBytes?: number;
  /** Hash every file's content into `entry.digest`. Implied by `sink`. */
  digests?: boolean;
  /** Gets the archive's bytes and file digests as it is read (see SkeletonRecorder). */
  sink?: TarSink;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;
export const DEFAULT_MAX_HEADER_BYTES = 1 << 20;
export const DEFAULT_MAX_TRAILER_BYTES = 1 << 20;

const EMPTY = new Uint8Array(0);
const NO_RECORDS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));
const NO_XATTRS: Readonly<Record<string, Uint8Array>> = Object.freeze(Object.create(null));
const lossy = new TextDecoder('utf-8');
const XATTR_SCHILY = 'SCHILY.xattr.';
const XATTR_LIBARCHIVE = 'LIBARCHIVE.xattr.';

const TYPES: Record<number, TarEntryType> = {
  0x00: 'file', // old-style regular file ('\0'); a trailing '/' makes it a directory
  0x30: 'file',
  0x37: 'file', // contiguous file: a regular file everywhere but a few old Unixes
  0x31: 'hardlink',
  0x32: 'symlink',
  0x33: 'char',
  0x34: 'block',
  0x35: 'dir',
  0x36: 'fifo',
};

/** Read a tar archive from a byte stream. Iterate the result once; then read `trailer`. */
export function readTar(src: ByteStream, opts: ReadTarOptions = {}): TarReader {
  return new TarReader(src, opts);
}

/** The entries of one archive; `trailer` is set once iteration has reached the end. */
export class TarReader implements AsyncIterable<TarEntry> {
  private readonly src: ByteSource;
  private readonly maxEntries: number;
  private readonly maxHeaderBytes: number;
  private readonly maxTrailerBytes: number;
  private readonly hash: boolean;
  private readonly sink: TarSink | undefined;
  private started = false;
  private _trailer: Uint8Array | undefined;

  constructor(src: ByteStream, opts: ReadTarOptions) {
    this.src = new ByteSource(src);
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.maxTrailerBytes = opts.maxTrailerBytes ?? DEFAULT_MAX_TRAILER_BYTES;
    this.sink = opts.sink;
    this.hash = !!opts.digests || !!opts.sink;
  }

  /**
   * The exact bytes from the end-of-archive marker to the end of the stream (led by
   * any global pax header that no entry followed); undefined until the end is reached.
   */
  get trailer(): Uint8Array | undefined {
    return this._trailer;
  }

  /** Stream length read so far. */
  get offset(): number {
    return this.src.offset;
  }

  [Symbol.asyncIterator](): AsyncIterator<TarEntry> {
    if (this.started) throw new FailedPreconditionError('tar: an archive can be iterated once');
    this.started = true;
    return this.entries();
  }

  private async *entries(): AsyncGenerator<TarEntry, void, undefined> {
    const src = this.src;
    const global = new Map<string, Uint8Array>();
    let count = 0;
    let prev: ReadEntry | undefined;
    try {
      for (;;) {
        if (prev) {
          await prev.finish();
          prev.markStale();
          prev = undefined;
        }
        const start = src.offset;
        const parts: Uint8Array[] = [];
        let local: Map<string, Uint8Array> | undefined;
        let longName: Uint8Array | undefined;
        let longLink: Uint8Array | undefined;
        let pendingAt = -1; // offset of an x, L or K header still waiting for its entry
        let extBytes = 0;
        let header: Uint8Array;
        for (;;) {
          const at = src.offset;
          const block = await src.readExact(BLOCK);
          if (block.length === 0 || (block.length === BLOCK && isZeroBlock(block))) {
            if (pendingAt >= 0) {
              throw new DataLossError(`tar: extended header at offset ${pendingAt} is not followed by an entry (archive ends at offset ${at})`);
            }
            if (block.length) parts.push(block);
            await this.readTrailer(parts);
            return;
          }
          if (block.length < BLOCK) {
            throw new DataLossError(`tar: archive truncated inside the header block at offset ${at} (${block.length} of ${BLOCK} bytes)`);
          }
          verifyChecksum(block, at);
          const flag = block[TYPEFLAG]!;
          if (flag !== 0x78 && flag !== 0x67 && flag !== 0x4c && flag !== 0x4b) {
            header = block;
            break;
          }
          // An extension header: x (pax, this entry), g (pax, all that follow), L / K (GNU long name / link).
          const what = `tar: ${String.fromCharCode(flag)} extension header at offset ${at}`;
          const size = parseNumeric(block, SIZE, 12);
          if (size < 0) throw new InvalidArgumentError(`${what}: bad size field ${fieldText(block, SIZE, 12)}`);
          extBytes += size;
          if (extBytes > this.maxHeaderBytes) {
            throw new ResourceExhaustedError(`${what}: extension headers hold ${extBytes} bytes, over the limit of ${this.maxHeaderBytes}`);
          }
          const padded = Math.ceil(size / BLOCK) * BLOCK;
          const data = await src.readExact(padded);
          if (data.length < padded) throw new DataLossError(`${what}: archive truncated inside its data (${data.length} of ${padded} bytes)`);
          parts.push(block, data);
          const content = data.subarray(0, size);
          if (flag === 0x4c || flag === 0x4b) {
            // GNU writes the name NUL-terminated and counts the NUL in the size.
            let n = content.length;
            while (n > 0 && content[n - 1] === 0) n--;
            if (flag === 0x4c) longName = content.subarray(0, n);
            else longLink = content.subarray(0, n);
            pendingAt = at;
            continue;
          }
          const records = parsePaxRecords(content, (why) => {
            throw new InvalidArgumentError(`${what}: ${why}`);
          });
          for (const r of records) {
            if (r.key.startsWith('GNU.sparse.')) throw new InvalidArgumentError(`${what}: GNU sparse files are not supported`);
          }
          if (flag === 0x78) {
            local ??= new Map();
            for (const { key, value } of records) local.set(key, value);
            pendingAt = at;
          } else {
            for (const { key, value } of records) {
              if (value.length === 0) global.delete(key);
              else global.set(key, value);
            }
            let globalBytes = 0;
            for (const [k, v] of global) globalBytes += k.length + v.length;
            if (globalBytes > this.maxHeaderBytes) {
              throw new ResourceExhaustedError(`${what}: global pax records hold ${globalBytes} bytes, over the limit of ${this.maxHeaderBytes}`);
            }
          }
        }
        if (count >= this.maxEntries) {
          throw new ResourceExhaustedError(`tar: more than ${this.maxEntries} entries (entry at offset ${start})`);
        }
        count++;
        parts.push(header);
        const entry = this.makeEntry(header, start, parts, global, local, longName, longLink);
        this.sink?.bytes(entry.raw);
        prev = entry;
        yield entry;
      }
    } finally {
      prev?.markStale();
      await src.close();
    }
  }

  private async readTrailer(parts: Uint8Array[]): Promise<void> {
    let total = 0;
    for (const p of parts) total += p.length;
    for (;;) {
      const c = await this.src.readUpTo(64 * 1024);
      if (c === null) break;
      total += c.length;
      if (total > this.maxTrailerBytes) {
        throw new ResourceExhaustedError(`tar: more than ${this.maxTrailerBytes} bytes after the end-of-archive marker (from offset ${this.src.offset - total})`);
      }
      parts.push(copy(c));
    }
    const trailer = concat(parts);
    this._trailer = trailer;
    if (trailer.length) this.sink?.bytes(trailer);
    this.sink?.end(this.src.offset);
  }

  private makeEntry(
    h: Uint8Array,
    offset: number,
    parts: Uint8Array[],
    global: Map<string, Uint8Array>,
    local: Map<string, Uint8Array> | undefined,
    longName: Uint8Array | undefined,
    longLink: Uint8Array | undefined,
  ): ReadEntry {
    const format = headerFormat(h);

    // Effective pax records: global, overridden by this entry's. An empty value
    // removes a record (the header field applies again), except for xattrs, where it
    // is an empty attribute value.
    let pax = global;
    if (local) {
      pax = new Map(global);
      for (const [k, v] of local) {
        if (v.length === 0 && !k.startsWith(XATTR_SCHILY) && !k.startsWith(XATTR_LIBARCHIVE)) pax.delete(k);
        else pax.set(k, v);
      }
    }

    let nameBytes = cstring(h, NAME, 100);
    if (format === 'ustar') {
      const prefix = cstring(h, PREFIX, 155);
      if (prefix.length) nameBytes = concat([prefix, new Uint8Array([0x2f]), nameBytes]);
    }
    const nameSource = pax.get('path') ?? longName ?? nameBytes;
    const shownName = lossy.decode(nameSource);
    const fail = (why: string): never => {
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(shownName)} at offset ${offset}: ${why}`);
    };

    const flag = h[TYPEFLAG]!;
    let type = TYPES[flag];
    if (type === undefined) {
      if (flag === 0x53) fail('GNU sparse files are not supported');
      const shown = flag >= 0x20 && flag < 0x7f ? `'${String.fromCharCode(flag)}'` : `0x${flag.toString(16).padStart(2, '0')}`;
      fail(`unsupported entry type ${shown}`);
    }

    const rawName = decodeUtf8(nameSource);
    if (rawName === undefined) fail('name is not valid UTF-8');
    if (rawName!.endsWith('/') && type === 'file') {
      if (flag === 0) type = 'dir';
      else fail('regular file name ends with "/"');
    }
    const path = cleanPath(rawName!);
    if (typeof path !== 'string') fail(path.error);
    if (path === '' && type !== 'dir') fail('the archive root must be a directory');

    const num = (off: number, len: number, field: string): number => {
      const v = parseNumeric(h, off, len);
      if (v >= 0) return v;
      if (v === MALFORMED) fail(`non-octal ${field} field ${fieldText(h, off, len)}`);
      if (v === NEGATIVE) fail(`negative ${field}`);
      return fail(`${field} is beyond 2^53`);
    };
    const paxNumber = (key: string, fraction: boolean): number | undefined => {
      const v = pax.get(key);
      if (v === undefined) return undefined;
      const text = lossy.decode(v);
      if (text.startsWith('-')) fail(`negative pax ${key} ${JSON.stringify(text)}`);
      if (!(fraction ? /^\d+(\.\d+)?$/ : /^\d+$/).test(text)) fail(`malformed pax ${key} ${JSON.stringify(text)}`);
      const n = Number(text);
      if (!(Math.floor(n) <= Number.MAX_SAFE_INTEGER)) fail(`pax ${key} ${text} is beyond 2^53`);
      return n;
    };

    const mode = num(MODE, 8, 'mode') & 0o7777;
    const uid = paxNumber('uid', false) ?? num(UID, 8, 'uid');
    const gid = paxNumber('gid', false) ?? num(GID, 8, 'gid');
    const mtime = paxNumber('mtime', true) ?? num(MTIME, 12, 'mtime');
    const headerSize = paxNumber('size', false) ?? num(SIZE, 12, 'size');
    // Links, devices, fifos and directories carry no data whatever their size field
    // says (as GNU tar, Go and Python read them).
    const size = type === 'file' ? headerSize : 0;

    let uname = format === 'v7' ? '' : lossy.decode(cstring(h, UNAME, 32));
    let gname = format === 'v7' ? '' : lossy.decode(cstring(h, GNAME, 32));
    const paxUname = pax.get('uname');
    if (paxUname) uname = lossy.decode(paxUname);
    const paxGname = pax.get('gname');
    if (paxGname) gname = lossy.decode(paxGname);

    let devmajor = 0;
    let devminor = 0;
    if ((type === 'char' || type === 'block') && format !== 'v7') {
      devmajor = num(DEVMAJOR, 8, 'devmajor');
      devminor = num(DEVMINOR, 8, 'devminor');
    }

    let linkname = '';
    if (type === 'hardlink' || type === 'symlink') {
      const text = decodeUtf8(pax.get('linkpath') ?? longLink ?? cstring(h, LINKNAME, 100));
      if (text === undefined) fail('link target is not valid UTF-8');
      if (text === '') fail('empty link target');
      if (text!.includes('\0')) fail('link target contains NUL');
      if (type === 'hardlink') {
        const target = cleanPath(text!);
        if (typeof target !== 'string') fail(`hardlink target ${JSON.stringify(text)}: ${target.error}`);
        if (target === '') fail('hardlink to the archive root');
        linkname = target as string;
      } else {
        linkname = text!;
      }
    }

    let xattrs = NO_XATTRS;
    let records = NO_RECORDS;
    if (pax.size) {
      const x: Record<string, Uint8Array> = Object.create(null);
      const r: Record<string, string> = Object.create(null);
      // libarchive's records first, so SCHILY's win when both name an attribute.
      for (const [k, v] of pax) {
        r[k] = lossy.decode(v);
        if (!k.startsWith(XATTR_LIBARCHIVE)) continue;
        const name = decodePercent(k.slice(XATTR_LIBARCHIVE.length));
        const value = decodeBase64(v);
        if (!name || name.includes('\0') || value === undefined) fail(`malformed pax record ${JSON.stringify(k)}`);
        x[name!] = value!;
      }
      for (const [k, v] of pax) {
        if (!k.startsWith(XATTR_SCHILY)) continue;
        const name = k.slice(XATTR_SCHILY.length);
        if (!name) fail(`malformed pax record ${JSON.stringify(k)}`);
        x[name] = copy(v);
      }
      xattrs = x;
      records = r;
    }

    const raw = parts.length === 1 ? parts[0]! : concat(parts);
    return new ReadEntry(this.src, this.sink, this.hash && type === 'file' ? host().sha256() : undefined, {
      path: path as string,
      type: type!,
      mode,
      uid,
      gid,
      uname,
      gname,
      mtime,
      size,
      linkname,
      devmajor,
      devminor,
      xattrs,
      offset,
      pax: records,
      raw,
    });
  }
}

function verifyChecksum(block: Uint8Array, at: number): void {
  const stored = parseNumeric(block, CHKSUM, 8);
  const { unsigned, signed } = computeChecksum(block);
  if (stored === unsigned || stored === signed) return;
  const name = lossy.decode(cstring(block, NAME, 100));
  const storedText = stored >= 0 ? stored.toString(8) : fieldText(block, CHKSUM, 8);
  throw new DataLossError(
    `tar: bad header checksum at offset ${at} (entry ${JSON.stringify(name)}): stored ${storedText}, computed ${unsigned.toString(8)}`,
  );
}

type EntryFields = Omit<TarEntry, 'padding' | 'digest' | 'body'>;

class ReadEntry implements TarEntry {
  readonly path!: string;
  readonly type!: TarEntryType;
  readonly mode!: number;
  readonly uid!: number;
  readonly gid!: number;
  readonly uname!: string;
  readonly gname!: string;
  readonly mtime!: number;
  readonly size!: number;
  readonly linkname!: string;
  readonly devmajor!: number;
  readonly devminor!: number;
  readonly xattrs!: Readonly<Record<string, Uint8Array>>;
  readonly offset!: number;
  readonly pax!: Readonly<Record<string, string>>;
  readonly raw!: Uint8Array;
  // ES private fields: a spread or a log of an entry shows its metadata only.
  readonly #src: ByteSource;
  readonly #sink: TarSink | undefined;
  readonly #hasher: Hasher | undefined;
  #remaining: number;
  #done = false;
  #bodyCalled = false;
  #stale = false;
  #padding: Uint8Array | undefined;
  #digest: Digest | undefined;

  constructor(src: ByteSource, sink: TarSink | undefined, hasher: Hasher | undefined, fields: EntryFields) {
    Object.assign(this, fields);
    this.#src = src;
    this.#sink = sink;
    this.#hasher = hasher;
    this.#remaining = fields.size;
  }

  get padding(): Uint8Array | undefined {
    return this.#padding;
  }

  get digest(): Digest | undefined {
    return this.#digest;
  }

  /** Called by the reader once it has moved past this entry. */
  markStale(): void {
    this.#stale = true;
  }

  body(): ByteStream {
    if (this.#bodyCalled) throw new FailedPreconditionError(`tar entry ${JSON.stringify(this.path)}: body() may be called once`);
    this.#bodyCalled = true;
    if (this.#stale && this.size > 0) {
      throw new FailedPreconditionError(`tar entry ${JSON.stringify(this.path)}: body was skipped when the next entry was read`);
    }
    return this.#stream();
  }

  async *#stream(): AsyncGenerator<Uint8Array, void, undefined> {
    let delivered = 0;
    for (;;) {
      if (this.#stale) {
        // The reader moved on and skipped the rest: never end a body short without saying so.
        if (delivered < this.size) {
          throw new FailedPreconditionError(`tar entry ${JSON.stringify(this.path)}: body read after the next entry was requested`);
        }
        return;
      }
      if (this.#remaining === 0) break;
      const chunk = await this.#src.readUpTo(this.#remaining);
      if (chunk === null) throw this.#truncated();
      this.#remaining -= chunk.length;
      this.#hasher?.update(chunk);
      delivered += chunk.length;
      yield chunk;
    }
    await this.finish();
  }

  /** Skip what is left of the body, read the padding, report to the sink. Idempotent. */
  async finish(): Promise<void> {
    if (this.#done) return;
    while (this.#remaining > 0) {
      const chunk = await this.#src.readUpTo(this.#remaining);
      if (chunk === null) throw this.#truncated();
      this.#remaining -= chunk.length;
      this.#hasher?.update(chunk);
    }
    const pad = (BLOCK - (this.size % BLOCK)) % BLOCK;
    const padding = pad ? await this.#src.readExact(pad) : EMPTY;
    if (padding.length < pad) {
      throw new DataLossError(
        `tar entry ${JSON.stringify(this.path)} at offset ${this.offset}: archive truncated inside the padding after its data (${padding.length} of ${pad} bytes)`,
      );
    }
    this.#done = true;
    this.#padding = padding;
    if (this.#hasher) this.#digest = this.#hasher.digest();
    if (this.#sink) {
      if (this.size > 0) this.#sink.file(this.#digest!, this.size);
      if (padding.length) this.#sink.bytes(padding);
    }
  }

  #truncated(): DataLossError {
    return new DataLossError(
      `tar entry ${JSON.stringify(this.path)} at offset ${this.offset}: archive truncated inside its data (${this.size - this.#remaining} of ${this.size} bytes)`,
    );
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The entries of a tar stream as entries to write elsewhere, each file's bytes read in full. */
export async function* tarEntries(src: ByteStream): AsyncIterable<TarWriteEntry> {
  for await (const t of readTar(src)) {
    const body = t.type === 'file' ? await collectBytes(t.body()) : undefined;
    yield { path: t.path, type: t.type, mode: t.mode, uid: t.uid, gid: t.gid, mtime: t.mtime, size: t.size, linkname: t.linkname, devmajor: t.devmajor, devminor: t.devminor, xattrs: t.xattrs, ...(body ? { body } : {}) };
  }
}
