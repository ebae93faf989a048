import type { Digest } from '../digest/digest.ts';
import { isDigest } from '../digest/digest.ts';
import { DataLossError } from '../errors.ts';
import type { DirNode } from '../tree/node.ts';

/**
 * How layerbox stores a layer: a diff tree (with whiteouts and opaque directories) plus
 * what is needed to give back the exact tar it came from. A layer is found by its
 * diff_id through the ref `layer/<hex>`.
 */
export interface LayerRecord {
  v: 1;
  /** sha256 of the uncompressed tar. */
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Sum of the regular file sizes it adds: what `images` and `history` count. */
  size: number;
  /** The diff tree. */
  root: DirNode;
  /**
   * The tar skeleton (headers and padding, file contents by digest) when the original
   * tar differs from the canonical serialisation of `root`; absent for layers
   * layerbox wrote itself.
   */
  skeleton?: Digest;
}

/** An image: its raw config blob and its layers, oldest first. The image ID is `config`. */
export interface ImageRecord {
  v: 1;
  config: Digest;
  /** LayerRecord blobs, oldest first; one per entry of rootfs.diff_ids. */
  layers: Digest[];
  /** The image this one was built or committed from, for `images -a` and `history`. */
  parent?: Digest;
}

export function encodeRecord(r: LayerRecord | ImageRecord | object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(r));
}

export function decodeLayerRecord(bytes: Uint8Array, where: string): LayerRecord {
  const r = parseJson(bytes, where) as LayerRecord;
  if (r.v !== 1 || !isDigest(r.diffId) || r.root?.type !== 'dir' || !isDigest(r.root.tree)) {
    throw new DataLossError(`layer record ${where} is malformed`);
  }
  return r;
}

export function decodeImageRecord(bytes: Uint8Array, where: string): ImageRecord {
  const r = parseJson(bytes, where) as ImageRecord;
  if (r.v !== 1 || !isDigest(r.config) || !Array.isArray(r.layers) || !r.layers.every(isDigest)) {
    throw new DataLossError(`image record ${where} is malformed`);
  }
  return r;
}

export function parseJson(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new DataLossError(`${where}: not valid JSON`, { cause: e });
  }
}
