import { host } from '../host.ts';
import type { Digest } from './digest.ts';

/** An incremental SHA-256. `digest()` may be called once. */
export interface Hasher {
  update(data: Uint8Array): void;
  digest(): Digest;
}

export function sha256(data: Uint8Array | string): Digest {
  const h = host().sha256();
  h.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  return h.digest();
}

/** Hash a stream as it passes; the digest is known once the stream has ended. */
export async function* hashing(
  src: AsyncIterable<Uint8Array>,
  onDone: (d: Digest, size: number) => void,
): AsyncIterable<Uint8Array> {
  const h = host().sha256();
  let size = 0;
  for await (const chunk of src) {
    h.update(chunk);
    size += chunk.length;
    yield chunk;
  }
  onDone(h.digest(), size);
}
