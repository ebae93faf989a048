import type { Digest } from '../digest/digest.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { ContainerConfig, ImageConfig } from '../image/config.ts';
import { DEFAULT_PLATFORM } from '../image/config.ts';
import { formatTagged, parseTagged } from '../image/reference.ts';
import { layerFromTree } from '../layer/layer.ts';
import { MutableDir } from '../tree/mutable.ts';
import type { FileNode, Meta } from '../tree/node.ts';
import { cleanPath } from '../tree/path.ts';
import { UnionFs } from '../unionfs/unionfs.ts';
import type { Engine } from './engine.ts';
import { encodeConfig, stageImage, tagUpdates } from './image-writer.ts';

/** One path of a recipe image. Parent directories must come before their children. */
export type RecipeEntry =
  | { path: string; type: 'dir'; mode: number; uid?: number; gid?: number }
  | { path: string; type: 'file'; mode: number; uid?: number; gid?: number; content: Uint8Array | string }
  | { path: string; type: 'symlink'; target: string; uid?: number; gid?: number };

/**
 * A built-in image described as data: one layer of listed paths and a config. Building
 * one is deterministic — every mtime and the created time come from `created` — so the
 * image ID is the same on every machine that has the same inputs.
 */
export interface ImageRecipe {
  /** `repo[:tag]`. */
  name: string;
  /** RFC 3339; also every file's mtime. */
  created: string;
  /** The history line, as `docker history` shows it. */
  createdBy: string;
  config: ContainerConfig;
  /** Defaults to linux/amd64; WASI userlands say `wasi`/`wasm`, as Docker names Wasm images. */
  platform?: { os: string; architecture: string };
  entries: RecipeEntry[];
}

/** Build a recipe's image into the store and tag it. Caller holds the write lock. */
export async function buildRecipe(e: Engine, recipe: ImageRecipe): Promise<Digest> {
  const ms = Date.parse(recipe.created);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`recipe ${recipe.name}: created ${JSON.stringify(recipe.created)} is not a time`);
  const mtime = Math.floor(ms / 1000);
  const rootMeta: Meta = { mode: 0o755, uid: 0, gid: 0, mtime };
  const upper = new MutableDir(rootMeta);
  const fs = new UnionFs(e.trees, undefined, upper);
  const enc = new TextEncoder();
  for (const entry of recipe.entries) {
    const path = cleanPath(entry.path);
    const owner = { uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime };
    if (entry.type === 'dir') {
      await fs.mkdir(path, { mode: entry.mode, ...owner });
      // mkdir keeps an existing directory's metadata; a recipe's word is final.
      await fs.setMeta(path, { mode: entry.mode, ...owner });
    } else if (entry.type === 'file') {
      const bytes = typeof entry.content === 'string' ? enc.encode(entry.content) : entry.content;
      const node: FileNode = { type: 'file', mode: entry.mode, ...owner, size: bytes.length, digest: await e.blobs.put(bytes) };
      await fs.writeNode(path, node);
    } else {
      await fs.writeNode(path, { type: 'symlink', target: entry.target, mode: 0o777, ...owner });
    }
  }
  const root = await upper.persist(e.trees);
  const layer = await layerFromTree(e.trees, e.blobs, root);
  const ic: ImageConfig = {
    architecture: (recipe.platform ?? DEFAULT_PLATFORM).architecture,
    config: recipe.config,
    created: recipe.created,
    history: [{ created: recipe.created, created_by: recipe.createdBy }],
    os: (recipe.platform ?? DEFAULT_PLATFORM).os,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  };
  const staged = await stageImage(e, { rawConfig: encodeConfig(ic), layers: [layer] });
  await e.commitRefs([...staged.updates, ...tagUpdates(staged.id, [formatTagged(parseTagged(recipe.name))])]);
  return staged.id;
}
