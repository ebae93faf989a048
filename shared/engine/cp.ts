import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import type { MetaNode } from '../tree/node.ts';
import { splitPath } from '../tree/path.ts';
import { bytesToBase64 } from '../util/base64.ts';
import { mergedEntries, entryOf } from '../oci/rootfs-archive.ts';
import { MutableDir } from '../tree/mutable.ts';
import { UnionFs } from '../unionfs/unionfs.ts';
import type { Engine } from './engine.ts';
import { containerFs, getContainer, saveContainer } from './containers.ts';
import type { ContainerState } from './container-state.ts';
import { refs } from './refs.ts';
import type { VolumeRecord } from './volumes.ts';

/** Where a container path lands: the container's own filesystem, or a volume mounted there. */
interface Place {
  fs: UnionFs;
  /** The path inside `fs`. */
  path: string;
  /** The path as the container sees it. */
  shown: string;
  volume?: { record: VolumeRecord; digest: import('../digest/digest.ts').Digest };
}

async function locate(e: Engine, state: ContainerState, path: string, follow: boolean): Promise<Place> {
  const fs = containerFs(e, state);
  const real = await fs.resolve(path, follow);
  const mounts = state.Mounts.filter((m) => m.Type === 'volume' && m.Name).sort((a, b) => b.Destination.length - a.Destination.length);
  for (const m of mounts) {
    if (real !== m.Destination && !real.startsWith(m.Destination + '/')) continue;
    const digest = await e.refs.get(refs.volume(m.Name!));
    if (!digest) throw new NotFoundError(`volume ${m.Name} mounted at ${m.Destination} no longer exists`);
    const record = await e.readJson<VolumeRecord>(digest, `volume ${m.Name}`);
    const inner = real.slice(m.Destination.length) || '/';
    return { fs: new UnionFs(e.trees, undefined, MutableDir.fromNode(record.Root)), path: inner, shown: real, volume: { record, digest } };
  }
  return { fs, path: real, shown: real };
}

/** The node at a container path (volumes included) and the path with symlinks resolved. */
export async function resolveInContainer(e: Engine, ref: string, path: string, follow = true): Promise<{ node: MetaNode | undefined; path: string }> {
  const { state } = await getContainer(e, ref);
  const place = await locate(e, state, path, follow);
  return { node: await place.fs.lstat(place.path), path: place.shown };
}

/**
 * `cp` into a container: `entries` (paths relative to the destination's parent, the
 * first one being the copied thing itself, or relative to `dest` when `intoDir`) land
 * in the container's writable layer. Owners become root unless `keepOwners` (cp -a).
 * The image below never changes. Caller holds the lock.
 */
/**
 * Why an entry of a copy into a container cannot land where an `existing` node is,
 * or undefined: a directory merges into a directory, anything else replaces what is
 * not a directory, and nothing replaces a directory with a non-directory or the other
 * way round (Docker's messages). `shownBase` is the destination as the user wrote it.
 */
export function copyConflict(type: string, existing: string | undefined, path: string, shownBase: string, target: string): string | undefined {
  if (existing === undefined) return undefined;
  if (type === 'dir') {
    if (existing === 'dir') return undefined;
    return `cannot overwrite non-directory "${shownBase === '/' ? `/${path}` : `${shownBase}/${path}`}" with directory "${shownBase}"`;
  }
  return existing === 'dir' ? `cannot overwrite directory ${target} with non-directory` : undefined;
}

export async function copyIntoContainer(
  e: Engine,
  ref: string,
  dest: string,
  entries: AsyncIterable<TarWriteEntry>,
  opts: { keepOwners?: boolean } = {},
): Promise<void> {
  const { state } = await getContainer(e, ref);
  const place = await locate(e, state, dest, true);
  if (state.HostConfig.ReadonlyRootfs && !place.volume) throw new FailedPreconditionError(`container ${state.Name.slice(1)} has a read-only root filesystem`);
  const fs = place.fs;
  const base = place.path;
  const baseNode = await fs.stat(base);
  if (baseNode && baseNode.type !== 'dir') throw new InvalidArgumentError(`cannot copy into ${dest}: not a directory`);
  if (!baseNode) throw new NotFoundError(`Could not find the file ${dest} in container ${state.Name.slice(1)}`);
  for await (const t of entries) {
    const target = base === '/' ? `/${t.path}` : `${base}/${t.path}`;
    if (splitPath(t.path).length === 0) continue;
    const meta = {
      mode: t.mode ?? (t.type === 'dir' ? 0o755 : 0o644),
      uid: opts.keepOwners ? (t.uid ?? 0) : 0,
      gid: opts.keepOwners ? (t.gid ?? 0) : 0,
      mtime: t.mtime ?? Math.floor(e.now() / 1000),
      ...(t.xattrs && Object.keys(t.xattrs).length ? { xattrs: Object.fromEntries(Object.entries(t.xattrs).map(([k, v]) => [k, bytesToBase64(v)])) } : {}),
    };
    const existing = await fs.lstat(target);
    const conflict = copyConflict(t.type, existing?.type, t.path, place.shown, target);
    if (conflict) throw new InvalidArgumentError(conflict);
    if (t.type === 'dir') {
      if (existing) await fs.setMeta(target, meta, false);
      else await fs.mkdir(target, meta);
      continue;
    }
    let node: Exclude<MetaNode, { type: 'dir' }>;
    switch (t.type) {
      case 'file': {
        const body = t.body;
        const stream = body instanceof Uint8Array ? (async function* () { yield body; })() : typeof body === 'function' ? await body() : body;
        const { digest, size } = stream ? await e.blobs.ingest(stream, { size: t.size ?? 0 }) : { digest: await e.blobs.put(new Uint8Array(0)), size: 0 };
        node = { type: 'file', ...meta, size, digest };
        break;
      }
      case 'symlink':
        node = { type: 'symlink', ...meta, target: t.linkname ?? '' };
        break;
      case 'hardlink': {
        const src = await fs.lstat(base === '/' ? `/${t.linkname}` : `${base}/${t.linkname}`);
        if (!src || src.type === 'dir') throw new InvalidArgumentError(`hardlink ${t.path} to ${t.linkname}, which was not copied`);
        node = src;
        break;
      }
      case 'char':
      case 'block':
        node = { type: t.type, ...meta, major: t.devmajor ?? 0, minor: t.devminor ?? 0 };
        break;
      case 'fifo':
        node = { type: 'fifo', ...meta };
        break;
    }
    await fs.writeNode(target, node);
  }
  if (place.volume) {
    const next: VolumeRecord = { ...place.volume.record, Root: await fs.upper.persist(e.trees) };
    await e.commitRefs([{ name: refs.volume(next.Name), value: await e.putJson(next), expect: place.volume.digest }]);
  } else await saveContainer(e, state, fs);
}

/**
 * `cp` out of a container: the node at `src` (a file, or a directory and everything
 * below it) as tar entries whose first path is `name`. Symlinks are copied as links
 * unless `follow` (cp -L) follows the last one.
 */
export async function* copyFromContainer(e: Engine, ref: string, src: string, name: string, opts: { follow?: boolean } = {}): AsyncIterable<TarWriteEntry> {
  const { state } = await getContainer(e, ref);
  const place = await locate(e, state, src, opts.follow ?? false);
  const node = await place.fs.lstat(place.path);
  if (!node) throw new NotFoundError(`Could not find the file ${src} in container ${state.Name.slice(1)}`);
  yield entryOf(e, name, node);
  if (node.type === 'dir') yield* mergedEntries(e, place.fs, place.path, name);
}
