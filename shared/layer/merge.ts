import type { DirNode, Meta, Node } from '../tree/node.ts';
import { EMPTY_META } from '../tree/mutable.ts';
import type { TreeStore } from '../tree/tree-store.ts';
import { splitPath } from '../tree/path.ts';

function metaOf(n: Meta): Meta {
  const m: Meta = { mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime };
  if (n.xattrs) m.xattrs = n.xattrs;
  return m;
}

/**
 * Apply a layer's diff tree to a merged tree, giving the merged tree of the stack one
 * layer taller. Only directories the layer touches are rewritten; untouched subtrees
 * keep their digests, so the cost is O(size of the layer), not O(image).
 *
 * Whiteouts delete, opaque directories hide what was below, hardlinks become copies of
 * their target's node (resolved in the layer first, then below it), implicit
 * directories take their metadata from below.
 */
export async function applyLayer(trees: TreeStore, lower: DirNode | undefined, layer: DirNode): Promise<DirNode> {
  const links: Array<{ path: string[]; target: string }> = [];
  const merged = await applyDir(trees, lower, layer, [], links);
  if (links.length === 0) return merged;
  // Second pass: every name of a linked file gets the file's node, marked with an id
  // for the group (unique to this layer and leader), so the link survives in the view.
  let root = merged;
  const groups = new Map<string, string[][]>();
  for (const l of links) groups.set(l.target, [...(groups.get(l.target) ?? []), l.path]);
  for (const [leader, members] of groups) {
    const target = await trees.lookup(root, leader);
    if (!target || target.type !== 'file') continue; // the importer rejects such links
    const node = { ...target, link: `${layer.tree.slice(7, 23)}:${leader}` };
    root = await replaceAt(trees, root, splitPath(leader), node);
    for (const m of members) root = await replaceAt(trees, root, m, node);
  }
  return root;
}

async function applyDir(
  trees: TreeStore,
  lower: DirNode | undefined,
  diff: DirNode,
  at: string[],
  links: Array<{ path: string[]; target: string }>,
): Promise<DirNode> {
  const base = new Map<string, Node>();
  if (lower && !diff.opaque) for (const [n, node] of (await trees.dir(lower.tree)).entries) base.set(n, node);
  for (const [name, node] of (await trees.dir(diff.tree)).entries) {
    if (node.type === 'whiteout') {
      base.delete(name);
    } else if (node.type === 'dir') {
      const below = base.get(name);
      base.set(name, await applyDir(trees, below?.type === 'dir' ? below : undefined, node, [...at, name], links));
    } else if (node.type === 'hardlink') {
      links.push({ path: [...at, name], target: node.target });
      base.set(name, node);
    } else {
      base.set(name, node);
    }
  }
  const meta = diff.implicit ? metaOf(lower ?? EMPTY_META) : metaOf(diff);
  return { type: 'dir', ...meta, tree: await trees.put([...base]) };
}

async function replaceAt(trees: TreeStore, dir: DirNode, path: string[], node: Node): Promise<DirNode> {
  const [head, ...rest] = path;
  const entries = new Map((await trees.dir(dir.tree)).entries as Array<[string, Node]>);
  if (rest.length === 0) entries.set(head!, node);
  else {
    const child = entries.get(head!);
    if (child?.type !== 'dir') return dir;
    entries.set(head!, await replaceAt(trees, child, rest, node));
  }
  return { ...dir, tree: await trees.put([...entries]) };
}
