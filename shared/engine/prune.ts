import type { Digest } from '../digest/digest.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { Engine } from './engine.ts';
import { listImages } from './images.ts';
import { listContainers } from './containers.ts';
import { listVolumes } from './volumes.ts';
import { collectGarbage } from './gc.ts';
import { PREFIX, refs } from './refs.ts';

export interface PruneResult {
  containers: string[];
  images: Digest[];
  volumes: string[];
  cacheEntries: number;
  /** Bytes the store freed on disk. */
  reclaimed: number;
}

/**
 * `image prune` / `system prune` / `container prune` / `volume prune` / `builder prune`.
 * Removes what is asked, then collects garbage. Caller holds the lock.
 */
export async function prune(
  e: Engine,
  what: { containers?: boolean; danglingImages?: boolean; allImages?: boolean; volumes?: boolean; buildCache?: boolean },
): Promise<PruneResult> {
  const updates: RefUpdate[] = [];
  const out: PruneResult = { containers: [], images: [], volumes: [], cacheEntries: 0, reclaimed: 0 };
  let containers = await listContainers(e);
  if (what.containers) {
    for (const c of containers.filter((c) => !c.State.Running && !c.State.Paused)) {
      updates.push({ name: refs.container(c.Id), value: null });
      out.containers.push(c.Id);
    }
    containers = containers.filter((c) => !out.containers.includes(c.Id));
  }
  if (what.danglingImages || what.allImages) {
    const used = new Set(containers.map((c) => c.Image));
    for (const img of await listImages(e)) {
      if (used.has(img.id)) continue;
      if (img.tags.length && !what.allImages) continue;
      for (const t of img.tags) updates.push({ name: refs.tag(t), value: null });
      updates.push({ name: refs.image(img.id), value: null });
      out.images.push(img.id);
    }
  }
  if (what.volumes) {
    const mounted = new Set(containers.flatMap((c) => c.Mounts.map((m) => m.Name)));
    for (const v of await listVolumes(e)) {
      // Docker 23+ prunes only anonymous volumes by default; named ones need --all.
      if (mounted.has(v.Name) || !v.Anonymous) continue;
      updates.push({ name: refs.volume(v.Name), value: null });
      out.volumes.push(v.Name);
    }
  }
  if (what.buildCache) {
    for (const [name] of await e.refs.list(PREFIX.cache)) {
      updates.push({ name, value: null });
      out.cacheEntries++;
    }
  }
  if (updates.length) await e.commitRefs(updates);
  out.reclaimed = (await collectGarbage(e)).freed;
  return out;
}
