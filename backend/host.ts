import { createHash, randomBytes } from 'node:crypto';
import type { Gunzip, Gzip } from 'node:zlib';
import type { Digest } from '../shared/digest/digest.ts';
import type { Hasher } from '../shared/digest/hasher.ts';
import { installHost, type ByteStream, type Host, type Transform } from '../shared/host.ts';

/**
 * The Node host: SHA-256 and gzip from Node's native bindings (OpenSSL, zlib) instead
 * of the portable JavaScript defaults. Same hash bytes; gzip output differs in its
 * header bytes only (node:zlib writes OS 3 where fflate writes its own), and each side
 * reads the other's.
 */
export const nodeHost: Host = {
  sha256: () => new NodeHasher(),
  // zlib and streams load only when a command compresses: most commands never do.
  gzip: (level = 6) => zlibTransform(async () => (await import('node:zlib')).createGzip({ level })),
  gunzip: () => zlibTransform(async () => (await import('node:zlib')).createGunzip()),
  now: () => Date.now(),
  randomBytes: (n) => plain(randomBytes(n)),
};

/** Install the Node host into the core. Call once at start-up. */
export function installNodeHost(): void {
  installHost(nodeHost);
}

class NodeHasher implements Hasher {
  private readonly h = createHash('sha256');
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Digest {
    return ('sha256:' + this.h.digest('hex')) as Digest;
  }
}

/**
 * Run a zlib stream as a pull-style transform. The pipeline carries errors both ways:
 * bad input rejects the consumer's next read, and a consumer that stops early
 * destroys the zlib stream and ends the source iterator.
 */
function zlibTransform(make: () => Promise<Gzip | Gunzip>): Transform {
  return async function* (src: ByteStream): ByteStream {
    const z = await make();
    const [{ Readable }, { pipeline }] = await Promise.all([import('node:stream'), import('node:stream/promises')]);
    const done = pipeline(Readable.from(src, { objectMode: false }), z);
    // The for-await below sees the same error; this keeps it from being unhandled.
    done.catch(() => {});
    try {
      for await (const chunk of z as AsyncIterable<Buffer>) yield plain(chunk);
      await done;
    } finally {
      z.destroy();
    }
  };
}

/** A Buffer as a plain Uint8Array view (no copy), so `slice` copies as callers expect. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
