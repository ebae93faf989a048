/**
 * The 512-byte tar header block: field offsets and the low-level codecs for its
 * numeric and string fields, shared by the reader and the writer.
 *
 * Layout (POSIX.1-1988 ustar; v7 uses only the fields up to linkname; GNU reuses the
 * prefix area for times and sparse maps, which the reader ignores):
 *
 *   name 0+100  mode 100+8  uid 108+8  gid 116+8  size 124+12  mtime 136+12
 *   chksum 148+8  typeflag 156  linkname 157+100  magic 257+6  version 263+2
 *   uname 265+32  gname 297+32  devmajor 329+8  devminor 337+8  prefix 345+155
 */

export const BLOCK = 512;

export const NAME = 0;
export const MODE = 100;
export const UID = 108;
export const GID = 116;
export const SIZE = 124;
export const MTIME = 136;
export const CHKSUM = 148;
export const TYPEFLAG = 156;
export const LINKNAME = 157;
export const MAGIC = 257;
export const VERSION = 263;
export const UNAME = 265;
export const GNAME = 297;
export const DEVMAJOR = 329;
export const DEVMINOR = 337;
export const PREFIX = 345;

/** Which dialect a header block is written in, from its magic. */
export type HeaderFormat = 'ustar' | 'gnu' | 'v7';

export function headerFormat(b: Uint8Array): HeaderFormat {
  // "ustar\0" (POSIX) or "ustar  \0" (old GNU: magic and version run together).
  if (b[MAGIC] === 0x75 && b[MAGIC + 1] === 0x73 && b[MAGIC + 2] === 0x74 && b[MAGIC + 3] === 0x61 && b[MAGIC + 4] === 0x72) {
    if (b[MAGIC + 5] === 0) return 'ustar';
    if (b[MAGIC + 5] === 0x20 && b[VERSION] === 0x20 && b[VERSION + 1] === 0) return 'gnu';
  }
  return 'v7';
}

export function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** The checksum over the block with its checksum field read as eight spaces. */
export function computeChecksum(b: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= CHKSUM && i < CHKSUM + 8 ? 0x20 : b[i]!;
    unsigned += v;
    signed += v < 0x80 ? v : v - 0x100;
  }
  return { unsigned, signed };
}

/** Sentinels returned by `parseNumeric` besides a valid value. */
export const MALFORMED = -1;
export const NEGATIVE = -2;
export const TOO_LARGE = -3;

/**
 * A numeric field: octal ASCII (leading spaces, then digits, then NUL or space
 * padding), or GNU base-256 when the first byte has its high bit set. An empty field
 * (all NUL or space) is 0. Returns a value ≥ 0, or MALFORMED, NEGATIVE or TOO_LARGE.
 */
export function parseNumeric(b: Uint8Array, off: number, len: number): number {
  const first = b[off]!;
  if (first & 0x80) {
    if (first === 0xff) return NEGATIVE; // two's complement negative
    let v = first & 0x7f;
    for (let i = off + 1; i < off + len; i++) {
      v = v * 256 + b[i]!;
      if (v > Number.MAX_SAFE_INTEGER) return TOO_LARGE;
    }
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && b[i] === 0x20) i++;
  let v = 0;
  while (i < end && b[i]! >= 0x30 && b[i]! <= 0x37) {
    v = v * 8 + (b[i]! - 0x30);
    i++;
  }
  // What follows the digits may only be NUL or space padding.
  for (; i < end; i++) if (b[i] !== 0 && b[i] !== 0x20) return MALFORMED;
  return v > Number.MAX_SAFE_INTEGER ? TOO_LARGE : v;
}

/** The field as quoted printable text for error messages: "00006x4\x00". */
export function fieldText(b: Uint8Array, off: number, len: number): string {
  let s = '"';
  for (let i = off; i < off + len; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s + '"';
}

/** The bytes of a NUL-terminated string field (a view, not a copy). */
export function cstring(b: Uint8Array, off: number, len: number): Uint8Array {
  const end = b.subarray(off, off + len).indexOf(0);
  return b.subarray(off, end < 0 ? off + len : off + end);
}

/** Write `value` as `len - 1` zero-padded octal digits and a NUL. The caller checks range. */
export function putOctal(b: Uint8Array, off: number, len: number, value: number): void {
  const digits = value.toString(8).padStart(len - 1, '0');
  for (let i = 0; i < len - 1; i++) b[off + i] = digits.charCodeAt(i);
  b[off + len - 1] = 0;
}

/** The largest value `putOctal` can write into a field of `len` bytes. */
export function octalMax(len: number): number {
  return 8 ** (len - 1) - 1;
}

export function putBytes(b: Uint8Array, off: number, len: number, src: Uint8Array): void {
  b.set(src.length > len ? src.subarray(0, len) : src, off);
}

/** Fill in the checksum field of a finished header: six octal digits, NUL, space. */
export function putChecksum(b: Uint8Array): void {
  const { unsigned } = computeChecksum(b);
  putOctal(b, CHKSUM, 7, unsigned);
  b[CHKSUM + 7] = 0x20;
}
