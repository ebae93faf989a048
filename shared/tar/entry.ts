import type { Digest } from '../digest/digest.ts';
import type { ByteStream } from '../host.ts';

/** What an entry is. GNU contiguous files ('7') and old-style '\0' entries read as 'file'. */
export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** The metadata of an entry, as read and as written. */
export interface TarEntryMeta {
  /** Clean, relative to the archive root, `/`-separated; the root itself is ''. */
  path: string;
  type: TarEntryType;
  /** Permission bits only (mask 0o7777): setuid, setgid, sticky and rwx. */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /**
   * Seconds since the epoch; fractional when a pax `mtime` record says so (a double:
   * nanoseconds may round; the reader's `pax.mtime` keeps the exact text).
   */
  mtime: number;
  /** Bytes of content; 0 for every type but 'file'. */
  size: number;
  /**
   * Target of a link: for a hardlink a clean path inside the archive; for a symlink
   * the text as stored (it may be absolute or climb with `..`: it is resolved inside
   * the container root later). '' for other types.
   */
  linkname: string;
  /** Device numbers of 'char' and 'block' entries; 0 otherwise. */
  devmajor: number;
  devminor: number;
  /** Extended attributes, from SCHILY.xattr.* and LIBARCHIVE.xattr.* pax records. */
  xattrs: Readonly<Record<string, Uint8Array>>;
}

/**
 * One entry of an archive being read. Its body must be read or left alone before the
 * next entry is asked for; the reader skips whatever was not read.
 */
export interface TarEntry extends Readonly<TarEntryMeta> {
  /** Byte offset of the first block belonging to this entry (extension headers included). */
  readonly offset: number;
  /**
   * The pax records in force for this entry (global merged with per-entry), values as
   * UTF-8 text (lossy for binary values: binary xattrs are exact in `xattrs`).
   */
  readonly pax: Readonly<Record<string, string>>;
  /**
   * Exactly the bytes that preceded the body for this entry: pax global and per-entry
   * headers and GNU long name/link headers with their data and padding, then the
   * entry's own header block.
   */
  readonly raw: Uint8Array;
  /** The bytes after the body up to the next 512-byte boundary; set once the body was read or skipped. */
  readonly padding: Uint8Array | undefined;
  /** SHA-256 of a file's content, when the reader hashes; set once the body was read or skipped. */
  readonly digest: Digest | undefined;
  /**
   * The content: exactly `size` bytes, as views into the source's chunks (do not
   * mutate them). Call at most once, before asking for the next entry.
   */
  body(): ByteStream;
}

/** Content for the writer: bytes, a stream, or a function that opens one when it is needed. */
export type TarBodySource = Uint8Array | ByteStream | (() => ByteStream | Promise<ByteStream>);

/**
 * One entry for the writer. Omitted fields take defaults: mode 0o755 for 'dir', 0o777
 * for 'symlink', 0o644 otherwise; uid, gid, mtime, size and device numbers 0; no
 * xattrs. `uname` and `gname` are never written. A TarEntry from the reader is a valid
 * TarWriteEntry, so `writeTar(readTar(x))` gives the canonical form of `x`.
 */
export interface TarWriteEntry {
  path: string;
  type: TarEntryType;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  /** Required for a 'file' with content; ignored for other types. */
  size?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Readonly<Record<string, Uint8Array>>;
  /** Content of a 'file' (exactly `size` bytes); ignored for other types. */
  body?: TarBodySource;
}
