import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Gzip, Gunzip } from 'fflate';
import type { Digest } from './digest/digest.ts';
import type { Hasher } from './digest/hasher.ts';

export type ByteStream = AsyncIterable<Uint8Array>;
export type Transform = (src: ByteStream) => ByteStream;

/**
 * What the core needs from the machine it runs on. The defaults are portable
 * (pure JavaScript); Node and the browser install faster native versions at start-up
 * with `installHost`. Every implementation must give the same bytes for hashing; gzip
 * output may differ between hosts (only its decompressed bytes are ever hashed for
 * identity).
 */
export interface Host {
  sha256(): Hasher;
  gzip(level?: number): Transform;
  gunzip(): Transform;
  /** Milliseconds since the epoch. */
  now(): number;
  randomBytes(n: number): Uint8Array;
}

class NobleHasher implements Hasher {
  private h = nobleSha256.create();
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Digest {
    return ('sha256:' + bytesToHex(this.h.digest())) as Digest;
  }
}

/** Run a push-style fflate stream as a pull-style async transform. */
function fflateTransform(make: (push: (chunk: Uint8Array) => void) => { push(d: Uint8Array, final?: boolean): void }): Transform {
  return async function* (src) {
    const out: Uint8Array[] = [];
    const s = make((chunk) => out.push(chunk));
    for await (const chunk of src) {
      s.push(chunk, false);
      while (out.length) yield out.shift()!;
    }
    s.push(new Uint8Array(0), true);
    while (out.length) yield out.shift()!;
  };
}

const portable: Host = {
  sha256: () => new NobleHasher(),
  gzip: (level = 6) =>
    fflateTransform((push) => new Gzip({ level: level as 6, mtime: 0 }, (d) => push(d))),
  gunzip: () => fflateTransform((push) => new Gunzip((d) => push(d))),
  now: () => Date.now(),
  randomBytes: (n) => {
    const b = new Uint8Array(n);
    (globalThis as unknown as { crypto: { getRandomValues(b: Uint8Array): void } }).crypto.getRandomValues(b);
    return b;
  },
};

let current: Host = portable;

export function host(): Host {
  return current;
}

/** Replace parts of the host (for speed, or a fixed clock in tests). */
export function installHost(h: Partial<Host>): void {
  current = { ...current, ...h };
}
