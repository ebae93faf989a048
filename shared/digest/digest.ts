import { InvalidArgumentError } from '../errors.ts';

/**
 * A content digest, `sha256:<64 lowercase hex>`. Parsed once at the boundary with
 * `parseDigest`; past that point code passes a `Digest`, never a raw string.
 */
export type Digest = string & { readonly __digest: unique symbol };

const SHA256 = /^sha256:[0-9a-f]{64}$/;

export function parseDigest(s: string, what = 'digest'): Digest {
  if (typeof s !== 'string' || !SHA256.test(s)) {
    const shown = typeof s === 'string' ? JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s) : String(s);
    throw new InvalidArgumentError(`invalid ${what} ${shown}: want sha256:<64 hex digits>`);
  }
  return s as Digest;
}

export function isDigest(s: unknown): s is Digest {
  return typeof s === 'string' && SHA256.test(s);
}

/** The 64 hex digits without the algorithm. */
export function digestHex(d: Digest): string {
  return d.slice(7);
}

/** Docker's short ID: the first 12 hex digits. */
export function shortId(d: Digest | string): string {
  const hex = d.startsWith('sha256:') ? d.slice(7) : d;
  return hex.slice(0, 12);
}

export function fromHex(hex: string): Digest {
  return parseDigest('sha256:' + hex);
}
