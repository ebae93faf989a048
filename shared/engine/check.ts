import type { Digest } from '../digest/digest.ts';
import { decodeImageRecord, decodeLayerRecord } from '../image/records.ts';
import type { DirNode } from '../tree/node.ts';
import type { Engine } from './engine.ts';
import type { ContainerState } from './container-state.ts';
import type { VolumeRecord } from './volumes.ts';
import { PREFIX } from './refs.ts';

/**
 * Every ref's whole closure must be in the store: its blob, and everything that blob
 * names (config, layer records, directory trees, file contents, skeletons). Returns
 * one line per problem, e.g. `ref image/ab…: blob sha256:… (file etc/passwd) is missing`.
 */
export async function checkReferences(e: Engine): Promise<string[]> {
  const problems: string[] = [];
  const ok = new Set<Digest>();
  const need = async (ref: string, d: Digest, what: string): Promise<boolean> => {
    if (ok.has(d)) return true;
    if (await e.blobs.has(d)) {
      ok.add(d);
      return true;
    }
    problems.push(`ref ${ref}: ${what} ${d} is missing`);
    return false;
  };
  const tree = async (ref: string, root: DirNode, path: string): Promise<void> => {
    if (!(await need(ref, root.tree, `directory ${path || '/'}`))) return;
    for (const [name, n] of (await e.trees.dir(root.tree)).entries) {
      const p = `${path}/${name}`;
      if (n.type === 'file') await need(ref, n.digest, `file ${p}`);
      else if (n.type === 'dir' && !ok.has(n.tree)) await tree(ref, n, p);
    }
  };
  const imageRecord = async (ref: string, d: Digest): Promise<void> => {
    if (!(await need(ref, d, 'image record'))) return;
    const r = decodeImageRecord(await e.blobs.get(d), ref);
    await need(ref, r.config, 'config');
    for (const l of r.layers) {
      if (!(await need(ref, l, 'layer record'))) continue;
      const lr = decodeLayerRecord(await e.blobs.get(l), ref);
      await tree(ref, lr.root, '');
      if (lr.skeleton) await need(ref, lr.skeleton, 'tar skeleton');
    }
  };
  for (const [name, d] of await e.refs.list('')) {
    try {
      if (name.startsWith(PREFIX.image) || name.startsWith(PREFIX.cache)) await imageRecord(name, d);
      else if (name.startsWith(PREFIX.tag)) {
        if (!(await e.refs.get(`image/${d.slice(7)}`))) problems.push(`ref ${name}: image ${d} does not exist`);
      } else if (name.startsWith(PREFIX.layer)) {
        if (await need(name, d, 'layer record')) await tree(name, decodeLayerRecord(await e.blobs.get(d), name).root, '');
      } else if (name.startsWith(PREFIX.container)) {
        if (!(await need(name, d, 'container state'))) continue;
        const s = await e.readJson<ContainerState>(d, name);
        await imageRecord(name, s.ImageRecord);
        await tree(name, s.Lower, '');
        await tree(name, s.Upper, '');
      } else if (name.startsWith(PREFIX.volume)) {
        if (!(await need(name, d, 'volume record'))) continue;
        await tree(name, (await e.readJson<VolumeRecord>(d, name)).Root, '');
      } else if (name.startsWith(PREFIX.rootfs)) {
        if (!(await need(name, d, 'rootfs cache'))) continue;
        await tree(name, (await e.readJson<{ root: DirNode }>(d, name)).root, '');
      } else await need(name, d, 'blob');
    } catch (err) {
      problems.push(`ref ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}
