import type { Digest } from '../digest/digest.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { Engine } from './engine.ts';
import { listImages } from './images.ts';
import { readContainers } from './container-records.ts';
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
  const records = await readContainers(e);
  let containers = records.map((r) => r.state);
  /** Stopped containers whose record is volatile: removed once the refs are committed. */
  const volatile: string[] = [];
  if (what.containers) {
    for (const r of records.filter((r) => !r.state.State.Running && !r.state.State.Paused)) {
      if (r.digest) updates.push({ name: refs.container(r.state.Id), value: null });
      else volatile.push(r.state.Id);
      out.containers.push(r.state.Id);
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
  for (const id of volatile) await e.store.volatile?.delete(refs.container(id));
  out.reclaimed = (await collectGarbage(e)).freed;
  return out;
}
