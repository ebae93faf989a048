import type { Digest } from '../digest/digest.ts';
import { sha256 } from '../digest/hasher.ts';

/**
 * Chain IDs name a stack of layers, as in the OCI image spec:
 * ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : sha256(`${out[out.length - 1]} ${d}`));
  return out;
}
