/**
 * The shell works on byte strings: JavaScript strings whose every code unit is one
 * byte (0-255), as a C shell in the C locale sees its data. Script text, variables,
 * command output and file names keep their exact bytes this way, and ${#x} counts
 * bytes. These helpers convert at the edges: to and from Uint8Array for streams, and
 * to and from ordinary (UTF-16) strings for the host's argv, env and paths.
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Byte string to bytes. */
export function toBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes to byte string. */
export function fromBytes(b: Uint8Array): string {
  let s = '';
  const CHUNK = 8192;
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + CHUNK)));
  }
  return s;
}

/** An ordinary string (from the host or a caller) to a byte string of its UTF-8. */
export function fromHost(s: string): string {
  // ASCII strings are already byte strings.
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return fromBytes(utf8.encode(s));
}

/** A byte string to an ordinary string, decoding UTF-8 (for argv, env and paths). */
export function toHost(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return utf8Decoder.decode(toBytes(s));
}
