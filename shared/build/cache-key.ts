import type { Digest } from '../digest/digest.ts';
import { sha256 } from '../digest/hasher.ts';

/**
 * Build cache keys, chained like Docker's: a step's key covers its parent's key, the
 * instruction as expanded, and what it reads (checksums of copied files, the source
 * stage's result). Equal keys mean equal results, so a hit reuses the stored result —
 * config, layers and timestamps — and an unchanged rebuild gives the same image ID.
 */
export function stepKey(parent: Digest, instruction: string, extra: readonly string[] = []): Digest {
  return sha256(JSON.stringify(['layerbox-build-v1', parent, instruction, ...extra]));
}

export function baseKey(base: string, sourceDateEpoch: number | undefined): Digest {
  return sha256(JSON.stringify(['layerbox-base-v1', base, sourceDateEpoch ?? null]));
}
