import type { Digest } from '../digest/digest.ts';
import type { Engine } from './engine.ts';
import { listImages, layerRecords } from './images.ts';
import { listContainers } from './containers.ts';
import { listVolumes } from './volumes.ts';
import { PREFIX } from './refs.ts';
import { decodeImageRecord, decodeLayerRecord } from '../image/records.ts';
import type { DirNode } from '../tree/node.ts';

export interface UsageRow {
  type: 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

export interface Usage {
  rows: UsageRow[];
  /** Bytes of every blob in the store: what the disk really holds, after sharing. */
  storedBytes: number;
  blobs: number;
}

/** Bytes of regular files in a tree, each distinct content counted once per call's `seen`. */
async function treeBytes(e: Engine, root: DirNode, seen: Set<Digest>): Promise<number> {
  let n = 0;
  for await (const [, node] of e.trees.walk(root)) {
    if (node.type === 'file' && !seen.has(node.digest)) {
      seen.add(node.digest);
      n += node.size;
    }
  }
  return n;
}

/**
 * `system df`: what images, containers, volumes and the build cache take, in Docker's
 * terms (layers shared by several images counted once), plus what the store really
 * holds on disk, where identical files are stored once across everything.
 */
export async function diskUsage(e: Engine): Promise<Usage> {
  const images = await listImages(e);
  const containers = await listContainers(e);
  const usedImages = new Set(containers.map((c) => c.Image));
  const layerSize = new Map<Digest, number>();
  const activeLayers = new Set<Digest>();
  for (const img of images) {
    for (const l of await layerRecords(e, img)) {
      layerSize.set(l.diffId, l.size);
      if (usedImages.has(img.id)) activeLayers.add(l.diffId);
    }
  }
  const imagesSize = [...layerSize.values()].reduce((a, b) => a + b, 0);
  const activeSize = [...activeLayers].reduce((a, d) => a + (layerSize.get(d) ?? 0), 0);

  let containersSize = 0;
  let stoppedSize = 0;
  for (const c of containers) {
    const n = await treeBytes(e, c.Upper, new Set());
    containersSize += n;
    if (!c.State.Running) stoppedSize += n;
  }
  const volumes = await listVolumes(e);
  const mounted = new Set(containers.flatMap((c) => c.Mounts.map((m) => m.Name)));
  let volSize = 0;
  let volFree = 0;
  for (const v of volumes) {
    const n = await treeBytes(e, v.Root, new Set());
    volSize += n;
    if (!mounted.has(v.Name)) volFree += n;
  }
  let cacheSize = 0;
  const cacheEntries = await e.refs.list(PREFIX.cache);
  const seenCacheLayers = new Set<Digest>();
  for (const [, d] of cacheEntries) {
    try {
      const r = decodeImageRecord(await e.blobs.get(d), 'cache');
      for (const l of r.layers) {
        const rec = decodeLayerRecord(await e.blobs.get(l), 'layer');
        if (!layerSize.has(rec.diffId) && !seenCacheLayers.has(rec.diffId)) {
          seenCacheLayers.add(rec.diffId);
          cacheSize += rec.size;
        }
      }
    } catch {
      // A damaged cache entry counts for nothing; `system check` reports it.
    }
  }
  let storedBytes = 0;
  let blobs = 0;
  for await (const d of e.blobs.list()) {
    storedBytes += await e.blobs.size(d).catch(() => 0);
    blobs++;
  }
  return {
    rows: [
      { type: 'Images', total: images.length, active: images.filter((i) => usedImages.has(i.id)).length, size: imagesSize, reclaimable: imagesSize - activeSize },
      { type: 'Containers', total: containers.length, active: containers.filter((c) => c.State.Running).length, size: containersSize, reclaimable: stoppedSize },
      { type: 'Local Volumes', total: volumes.length, active: volumes.filter((v) => mounted.has(v.Name)).length, size: volSize, reclaimable: volFree },
      { type: 'Build Cache', total: cacheEntries.length, active: 0, size: cacheSize, reclaimable: cacheSize },
    ],
    storedBytes,
    blobs,
  };
}
