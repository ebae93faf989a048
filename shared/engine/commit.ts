import type { Digest } from '../digest/digest.ts';
import type { ContainerConfig, ImageConfig } from '../image/config.ts';
import { formatTagged, parseTagged } from '../image/reference.ts';
import { layerFromTree } from '../layer/layer.ts';
import type { Engine } from './engine.ts';
import { getContainer } from './containers.ts';
import { imageFromRecord, layerRecords } from './images.ts';
import { encodeConfig, stageImage, tagUpdates } from './image-writer.ts';

export interface CommitOptions {
  /** repo[:tag] for the new image. */
  reference?: string;
  message?: string;
  author?: string;
  /** Applies `-c` changes (Dockerfile instructions) to the config before it is written. */
  applyChanges?: (config: ContainerConfig) => ContainerConfig | Promise<ContainerConfig>;
}

/**
 * `commit`: the container's writable layer becomes a new read-only layer on top of its
 * image; the image itself is not touched. Costs O(changed files): only the writable
 * layer is serialised (to compute its diff_id), never the image below. A container
 * that changed nothing gives an image with no new layer, as in Docker. Caller holds
 * the lock.
 */
export async function commitContainer(e: Engine, ref: string, opts: CommitOptions = {}): Promise<Digest> {
  const { state } = await getContainer(e, ref);
  // The container holds its image's record, so this works even after `rmi -f`.
  const base = await imageFromRecord(e, state.ImageRecord);
  const baseLayers = await layerRecords(e, base);
  const empty = await isEmptyDiff(e, state.Upper);
  const layer = empty ? undefined : await layerFromTree(e.trees, e.blobs, state.Upper);

  let config: ContainerConfig = { ...state.Config };
  if (opts.applyChanges) config = await opts.applyChanges(config);
  const created = e.timestamp();
  const history = [...(base.config.history ?? [])];
  const entry: NonNullable<ImageConfig['history']>[number] = {
    created,
    created_by: [state.Path, ...state.Args].join(' '),
  };
  if (opts.author) entry.author = opts.author;
  if (opts.message) entry.comment = opts.message;
  if (empty) entry.empty_layer = true;
  history.push(entry);

  const ic: ImageConfig = {
    architecture: base.config.architecture,
    config,
    container: state.Id,
    container_config: { ...state.Config },
    created,
    ...(opts.author ? { author: opts.author } : {}),
    history,
    os: base.config.os,
    rootfs: { type: 'layers', diff_ids: [...baseLayers.map((l) => l.diffId), ...(layer ? [layer.diffId] : [])] },
  };
  if (base.config.variant) ic.variant = base.config.variant;
  const layers = layer ? [...baseLayers, layer] : baseLayers;
  const staged = await stageImage(e, { rawConfig: encodeConfig(ic), layers, parent: base.id });
  // The new image's merged root is made when a container first needs it (one layer
  // applied to the cached root below), so commit writes only what changed.
  const updates = [...staged.updates];
  if (opts.reference) updates.push(...tagUpdates(staged.id, [formatTagged(parseTagged(opts.reference))]));
  await e.commitRefs(updates);
  return staged.id;
}

async function isEmptyDiff(e: Engine, upper: import('../tree/node.ts').DirNode): Promise<boolean> {
  if (upper.opaque) return false;
  return (await e.trees.dir(upper.tree)).size === 0;
}
