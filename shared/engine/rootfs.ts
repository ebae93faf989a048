import { chainIds } from '../image/chain.ts';
import { applyLayer } from '../layer/merge.ts';
import type { DirNode } from '../tree/node.ts';
import { EMPTY_META } from '../tree/mutable.ts';
import type { Engine } from './engine.ts';
import { layerRecords, type Image } from './images.ts';
import { refs } from './refs.ts';
import type { RefUpdate } from '../store/ref-store.ts';

/** The merged root of no layers: an empty directory owned by root, mode 0755. */
export async function emptyRoot(e: Engine): Promise<DirNode> {
  return { type: 'dir', ...EMPTY_META, tree: await e.trees.put([]) };
}

/**
 * The merged root filesystem of an image, content-addressed and cached per chain ID:
 * the longest cached prefix of its layer stack is reused and only the layers above it
 * are applied. Returns the root and the cache refs to record (the caller records them
 * in its own ref update, under the lock).
 */
export async function imageRootfs(e: Engine, img: Image): Promise<{ root: DirNode; cache: RefUpdate[] }> {
  const layers = await layerRecords(e, img);
  const chains = chainIds(layers.map((l) => l.diffId));
  let root: DirNode | undefined;
  let start = 0;
  for (let i = chains.length - 1; i >= 0; i--) {
    const hit = await e.refs.get(refs.rootfs(chains[i]!));
    if (hit && (await e.blobs.has(hit))) {
      try {
        root = (await e.readJson<{ root: DirNode }>(hit, 'rootfs cache')).root;
        start = i + 1;
        break;
      } catch {
        // A damaged cache entry is recomputed.
      }
    }
  }
  const cache: RefUpdate[] = [];
  for (let i = start; i < layers.length; i++) {
    root = await applyLayer(e.trees, root, layers[i]!.root);
    cache.push({ name: refs.rootfs(chains[i]!), value: await e.putJson({ root }) });
  }
  return { root: root ?? (await emptyRoot(e)), cache };
}

/** The merged root after applying a layer on top of a known root (build steps). */
export async function stackRoot(e: Engine, lower: DirNode | undefined, layer: DirNode): Promise<DirNode> {
  return applyLayer(e.trees, lower, layer);
}

