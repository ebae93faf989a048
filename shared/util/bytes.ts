import type { ByteStream } from '../host.ts';

/** One array from many; returns the only part itself when there is one. */
export function concatBytes(parts: readonly Uint8Array[], size = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The first bytes of a stream (at least `n`, unless it is shorter) and the whole stream
 * again, those bytes included: for telling a format by its first bytes without losing them.
 */
export async function peek(src: ByteStream, n: number): Promise<{ head: Uint8Array; stream: ByteStream }> {
  const it = src[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    parts.push(r.value);
    have += r.value.length;
  }
  const head = concatBytes(parts, have);
  const stream = (async function* () {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
  return { head, stream };
}

/** A whole stream in memory (for small things: metadata, a Dockerfile). */
export async function collectBytes(src: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of src) parts.push(c.slice());
  return concatBytes(parts);
}
