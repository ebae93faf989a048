import type { ByteStream } from '../host.ts';
import type { Engine } from '../engine/engine.ts';
import { getContainer, containerFs } from '../engine/containers.ts';
import { stageImage, tagUpdates, encodeConfig } from '../engine/image-writer.ts';
import { DEFAULT_PLATFORM, type ContainerConfig, type ImageConfig } from '../image/config.ts';
import { formatTagged, parseTagged } from '../image/reference.ts';
import { importLayer } from '../layer/import.ts';
import { openMaybeGzip } from '../layer/decompress.ts';
import { writeTar } from '../tar/writer.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';
import { base64ToBytes } from '../util/base64.ts';
import type { Digest } from '../digest/digest.ts';
import type { MetaNode } from '../tree/node.ts';

/**
 * `export`: the container's merged filesystem (image layers plus its writable layer)
 * as one plain tar, depth first with names sorted. Volumes are not included, as in
 * Docker.
 */
export async function* exportContainer(e: Engine, ref: string): ByteStream {
  const { state } = await getContainer(e, ref);
  yield* writeTar(mergedEntries(e, containerFs(e, state), '/'));
}

/**
 * The merged tree below `dir` as tar entries, paths relative to the root. Names of one
 * hard-linked file become one file and links to it, as `docker export` writes them.
 */
export async function* mergedEntries(e: Engine, fs: UnionFs, dir: string, prefix = '', links = new Map<string, string>()): AsyncIterable<TarWriteEntry> {
  for (const [name, node] of await fs.readdir(dir)) {
    const path = prefix ? `${prefix}/${name}` : name;
    const full = dir === '/' ? `/${name}` : `${dir}/${name}`;
    if (node.type === 'file' && node.link !== undefined) {
      const first = links.get(node.link);
      if (first !== undefined) {
        yield { ...entryOf(e, path, node), type: 'hardlink', linkname: first, size: 0 };
        continue;
      }
      links.set(node.link, path);
    }
    yield entryOf(e, path, node);
    if (node.type === 'dir') yield* mergedEntries(e, fs, full, path, links);
  }
}

export function entryOf(e: Engine, path: string, node: MetaNode): TarWriteEntry {
  const base: TarWriteEntry = { path, type: node.type, mode: node.mode, uid: node.uid, gid: node.gid, mtime: node.mtime };
  if (node.xattrs) {
    const x: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(node.xattrs)) x[k] = base64ToBytes(v);
    base.xattrs = x;
  }
  switch (node.type) {
    case 'file':
      return { ...base, size: node.size, body: () => e.blobs.stream(node.digest) };
    case 'symlink':
      return { ...base, linkname: node.target };
    case 'char':
    case 'block':
      return { ...base, devmajor: node.major, devminor: node.minor };
    default:
      return base;
  }
}

export interface ImportOptions {
  reference?: string;
  message?: string;
  /** Where the tarball came from, for history ('-' for standard input). */
  source?: string;
  applyChanges?: (c: ContainerConfig) => ContainerConfig | Promise<ContainerConfig>;
  onProgress?: (bytes: number) => void;
}

/**
 * `import`: a root filesystem tarball (plain or gzip) becomes a one-layer image, as
 * `docker import` does. Caller holds the lock.
 */
export async function importRootfs(e: Engine, src: ByteStream, opts: ImportOptions = {}): Promise<Digest> {
  const what = `import ${opts.source ?? '-'}`;
  const layer = await importLayer(e.trees, e.blobs, await openMaybeGzip(src, e.limits, what), {
    maxEntries: e.limits.maxEntries,
    what,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  let config: ContainerConfig = {};
  if (opts.applyChanges) config = await opts.applyChanges(config);
  const created = e.timestamp();
  const ic: ImageConfig = {
    architecture: DEFAULT_PLATFORM.architecture,
    config,
    created,
    history: [{ created, comment: opts.message ?? `Imported from ${opts.source ?? '-'}` }],
    os: DEFAULT_PLATFORM.os,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  };
  const staged = await stageImage(e, { rawConfig: encodeConfig(ic), layers: [layer] });
  const tags = opts.reference ? [formatTagged(parseTagged(opts.reference))] : [];
  await e.commitRefs([...staged.updates, ...tagUpdates(staged.id, tags)]);
  return staged.id;
}
