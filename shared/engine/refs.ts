import type { Digest } from '../digest/digest.ts';
import { digestHex } from '../digest/digest.ts';

/**
 * The ref namespaces of a layerbox store. Every durable fact is one of these names
 * pointing at a blob (or, for tags, at an image ID).
 */
export const refs = {
  /** image/<config hex> → ImageRecord blob. An image exists iff this ref does. */
  image: (id: Digest) => `image/${digestHex(id)}`,
  /** tag/<repository>:<tag> → image ID (config digest). */
  tag: (repoTag: string) => `tag/${repoTag}`,
  /** layer/<diff_id hex> → LayerRecord blob. Shared by every image with that layer. */
  layer: (diffId: Digest) => `layer/${digestHex(diffId)}`,
  /** rootfs/<chain id hex> → blob holding the merged root DirNode of that layer stack (a cache). */
  rootfs: (chainId: Digest) => `rootfs/${digestHex(chainId)}`,
  /** container/<id> → ContainerState blob. */
  container: (id: string) => `container/${id}`,
  /** volume/<name> → VolumeRecord blob. */
  volume: (name: string) => `volume/${name}`,
  /** cache/<key hex> → ImageRecord blob of a build step's result. */
  cache: (key: Digest) => `cache/${digestHex(key)}`,
} as const;

export const PREFIX = {
  image: 'image/',
  tag: 'tag/',
  layer: 'layer/',
  rootfs: 'rootfs/',
  container: 'container/',
  volume: 'volume/',
  cache: 'cache/',
} as const;
