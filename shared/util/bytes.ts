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

/** A whole stream in memory (for small things: metadata, a Dockerfile). */
export async function collectBytes(src: ByteStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of src) parts.push(c.slice());
  return concatBytes(parts);
}
