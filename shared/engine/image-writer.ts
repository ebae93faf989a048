import type { Digest } from '../digest/digest.ts';
import type { ImageConfig } from '../image/config.ts';
import type { ImageRecord, LayerRecord } from '../image/records.ts';
import { encodeRecord } from '../image/records.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { Engine } from './engine.ts';
import { refs } from './refs.ts';

export interface NewImage {
  id: Digest;
  recordDigest: Digest;
  record: ImageRecord;
  /** Ref updates that make the image exist (image/, layer/ index); add tags and commit together. */
  updates: RefUpdate[];
}

/** Serialise a config the way layerbox stores it (the image ID is the digest of these bytes). */
export function encodeConfig(config: ImageConfig): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(config));
}

/**
 * Stage an image: its raw config bytes, its layer records and its image record, and the
 * ref updates that publish them. Nothing is visible until the caller commits the
 * updates (with any tags) in one `commitRefs`.
 */
export async function stageImage(
  e: Engine,
  opts: { rawConfig: Uint8Array; layers: LayerRecord[]; parent?: Digest },
): Promise<NewImage> {
  const config = await e.blobs.put(opts.rawConfig);
  const layerDigests: Digest[] = [];
  const updates: RefUpdate[] = [];
  for (const l of opts.layers) {
    const d = await e.blobs.put(encodeRecord(l));
    layerDigests.push(d);
    const existing = await e.refs.get(refs.layer(l.diffId));
    if (existing !== d) updates.push({ name: refs.layer(l.diffId), value: d });
  }
  const record: ImageRecord = { v: 1, config, layers: layerDigests };
  if (opts.parent) record.parent = opts.parent;
  const recordDigest = await e.blobs.put(encodeRecord(record));
  updates.push({ name: refs.image(config), value: recordDigest });
  return { id: config, recordDigest, record, updates };
}

/** Tag updates for an image; returns the normalised names too. */
export function tagUpdates(id: Digest, names: string[]): RefUpdate[] {
  return names.map((n) => ({ name: refs.tag(n), value: id }));
}
