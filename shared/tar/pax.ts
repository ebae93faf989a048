/**
 * POSIX pax extended header records: `"<length> <key>=<value>\n"`, where length counts
 * the whole record in decimal, the key is UTF-8 and the value is bytes (UTF-8 text
 * for the standard keys, binary for xattrs).
 */

export interface PaxRecord {
  key: string;
  value: Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Decode UTF-8, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(b);
  } catch {
    return undefined;
  }
}

/** Parse the data of a pax header; `fail` reports a malformed record and does not return. */
export function parsePaxRecords(data: Uint8Array, fail: (why: string) => never): PaxRecord[] {
  const out: PaxRecord[] = [];
  let pos = 0;
  while (pos < data.length) {
    // Length: decimal digits, then one space.
    let i = pos;
    let len = 0;
    while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39 && i - pos < 16) {
      len = len * 10 + (data[i]! - 0x30);
      i++;
    }
    if (i === pos || data[i] !== 0x20) fail(`malformed pax record at byte ${pos}: no length`);
    const end = pos + len;
    if (len < i - pos + 4 || end > data.length) fail(`malformed pax record at byte ${pos}: length ${len} is wrong`);
    if (data[end - 1] !== 0x0a) fail(`malformed pax record at byte ${pos}: length ${len} does not end at a newline`);
    const rec = data.subarray(i + 1, end - 1);
    const eq = rec.indexOf(0x3d);
    if (eq <= 0) fail(`malformed pax record at byte ${pos}: no key=value`);
    const key = decodeUtf8(rec.subarray(0, eq));
    if (key === undefined || key.includes('\0')) fail(`malformed pax record at byte ${pos}: key is not UTF-8 text`);
    out.push({ key, value: rec.subarray(eq + 1) });
    pos = end;
  }
  return out;
}

/** Encode records in the given order; each record's length field counts itself. */
export function formatPaxRecords(records: readonly PaxRecord[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const { key, value } of records) {
    const k = encoder.encode(key);
    const n = k.length + value.length + 3; // space, '=', newline
    let len = n + String(n).length;
    while (String(len).length + n !== len) len = n + String(len).length;
    const rec = new Uint8Array(len);
    let p = 0;
    const prefix = encoder.encode(`${len} `);
    rec.set(prefix, p);
    p += prefix.length;
    rec.set(k, p);
    p += k.length;
    rec[p++] = 0x3d;
    rec.set(value, p);
    p += value.length;
    rec[p] = 0x0a;
    parts.push(rec);
    total += len;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const r of parts) {
    out.set(r, p);
    p += r.length;
  }
  return out;
}

/** Compare strings by the bytes of their UTF-8 encoding (not UTF-16 code units). */
export function compareUtf8(a: string, b: string): number {
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard base64, padding optional (libarchive omits it). Undefined when malformed. */
export function decodeBase64(text: Uint8Array): Uint8Array | undefined {
  let n = text.length;
  while (n > 0 && text[n - 1] === 0x3d) n--;
  if (text.length - n > 2 || n % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Decode libarchive's %XX-escaped xattr names. Undefined when malformed. */
export function decodePercent(text: string): string | undefined {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) === 0x25) {
      const h = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      for (const b of encoder.encode(ch)) bytes.push(b);
      i += ch.length;
    }
  }
  return decodeUtf8(new Uint8Array(bytes));
}
