import { MutableDir, type MutableEntry } from './mutable.ts';
import type { TreeStore } from './tree-store.ts';

/**
 * Put every hard-link group of a diff tree in canonical form: the name that comes first
 * in the layer's tar order (depth first, names sorted) holds the file, the others are
 * links to it. That is the shape Docker's layers have, and tar readers need the file
 * before any link to it.
 */
export async function normalizeHardlinks(trees: TreeStore, root: MutableDir): Promise<void> {
  const order: string[] = [];
  const at = new Map<string, { dir: MutableDir; name: string; entry: MutableEntry; chain: MutableDir[] }>();
  const walk = async (dir: MutableDir, prefix: string, chain: MutableDir[]) => {
    for (const [name, entry] of await dir.entries(trees)) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (entry instanceof MutableDir) await walk(entry, path, [...chain, entry]);
      else if (entry.type === 'file' || entry.type === 'hardlink') {
        order.push(path);
        at.set(path, { dir, name, entry, chain });
      }
    }
  };
  await walk(root, '', [root]);
  const groups = new Map<string, string[]>(); // leader path → link paths
  for (const path of order) {
    const e = at.get(path)!.entry;
    if (e.type === 'hardlink' && at.get(e.target)?.entry.type === 'file') {
      const g = groups.get(e.target) ?? [];
      g.push(path);
      groups.set(e.target, g);
    }
  }
  const rank = new Map(order.map((p, i) => [p, i]));
  for (const [leader, links] of groups) {
    const first = [leader, ...links].sort((a, b) => rank.get(a)! - rank.get(b)!)[0]!;
    if (first === leader) continue;
    const file = at.get(leader)!;
    const head = at.get(first)!;
    await head.dir.set(trees, head.name, file.entry);
    for (const d of head.chain) d.touch();
    for (const p of [leader, ...links]) {
      if (p === first) continue;
      const x = at.get(p)!;
      await x.dir.set(trees, x.name, { type: 'hardlink', target: first });
      for (const d of x.chain) d.touch();
    }
  }
}
