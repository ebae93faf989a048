import type { Digest } from '../digest/digest.ts';
import { parseDigest } from '../digest/digest.ts';
import { chainIds } from '../image/chain.ts';
import { decodeImageRecord, decodeLayerRecord, type LayerRecord } from '../image/records.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { DirNode } from '../tree/node.ts';
import { readContainers } from './container-records.ts';
import type { Engine } from './engine.ts';
import { PREFIX } from './refs.ts';
import type { VolumeRecord } from './volumes.ts';

export interface GcResult {
  /** Blobs deleted. */
  deleted: number;
  /** Bytes freed. */
  freed: number;
  /** Weak refs (layer index, rootfs cache) dropped because nothing uses them. */
  droppedRefs: number;
}

/**
 * Mark and sweep. Strong roots are images, tags, containers, volumes and build cache
 * entries; `layer/` and `rootfs/` refs are indexes and caches that live only while a
 * strong root uses them. Everything not reachable is deleted. Caller holds the lock,
 * so no other writer can add a ref to a blob while it is being swept.
 */
export async function collectGarbage(e: Engine): Promise<GcResult> {
  const live = new Set<Digest>();
  const liveLayers = new Set<Digest>();
  const liveChains = new Set<string>();

  const markTree = (root: DirNode) => e.trees.reachable(root, live);
  const markLayer = async (d: Digest) => {
    if (liveLayers.has(d)) return;
    liveLayers.add(d);
    live.add(d);
    const l = decodeLayerRecord(await e.blobs.get(d), `layer record ${d}`);
    await markTree(l.root);
    if (l.skeleton) live.add(l.skeleton);
  };
  const markImageRecord = async (d: Digest) => {
    if (live.has(d)) return;
    live.add(d);
    const r = decodeImageRecord(await e.blobs.get(d), `image record ${d}`);
    live.add(r.config);
    const layers: LayerRecord[] = [];
    for (const l of r.layers) {
      await markLayer(l);
      layers.push(decodeLayerRecord(await e.blobs.get(l), `layer record ${l}`));
    }
    for (const c of chainIds(layers.map((l) => l.diffId))) liveChains.add(c.slice(7));
  };

  for (const d of (await e.refs.pinned?.()) ?? []) live.add(d);
  for (const [, d] of await e.refs.list(PREFIX.image)) await markImageRecord(d);
  for (const [, d] of await e.refs.list(PREFIX.cache)) await markImageRecord(d);
  for (const [, d] of await e.refs.list(PREFIX.tag)) live.add(d);
  for (const { state: s, digest: d } of await readContainers(e)) {
    if (d) live.add(d);
    await markImageRecord(s.ImageRecord);
    await markTree(s.Lower);
    await markTree(s.Upper);
  }
  for (const [, d] of await e.refs.list(PREFIX.volume)) {
    live.add(d);
    await markTree((await e.readJson<VolumeRecord>(d, 'volume')).Root);
  }

  const drop: RefUpdate[] = [];
  for (const [name, d] of await e.refs.list(PREFIX.layer)) {
    if (liveLayers.has(d)) continue;
    drop.push({ name, value: null, expect: d });
  }
  for (const [name, d] of await e.refs.list(PREFIX.rootfs)) {
    if (!liveChains.has(name.slice(PREFIX.rootfs.length))) {
      drop.push({ name, value: null, expect: d });
      continue;
    }
    live.add(d);
    try {
      await markTree((await e.readJson<{ root: DirNode }>(d, 'rootfs cache')).root);
    } catch {
      drop.push({ name, value: null, expect: d });
    }
  }
  if (drop.length) await e.commitRefs(drop);

  let deleted = 0;
  let freed = 0;
  const doomed: Digest[] = [];
  for await (const d of e.blobs.list()) if (!live.has(parseDigest(d))) doomed.push(d);
  for (const d of doomed) {
    freed += await e.blobs.size(d).catch(() => 0);
    await e.blobs.delete(d);
    deleted++;
  }
  return { deleted, freed, droppedRefs: drop.length };
}
