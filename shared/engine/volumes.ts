import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.ts';
import type { DirNode } from '../tree/node.ts';
import { EMPTY_META } from '../tree/mutable.ts';
import type { Engine } from './engine.ts';
import { randomId } from './names.ts';
import { refs, PREFIX } from './refs.ts';
import type { ContainerState } from './container-state.ts';

/**
 * A named tree outside every image and container, mounted into containers; it outlives
 * them. Field names follow `docker volume inspect`.
 */
export interface VolumeRecord {
  v: 1;
  Name: string;
  Driver: 'local';
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  Mountpoint: string;
  /** True for volumes made implicitly for a container (`-v /path`, image VOLUME). */
  Anonymous: boolean;
  /** The volume's contents. */
  Root: DirNode;
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new InvalidArgumentError(
      `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
    );
  }
}

export async function getVolume(e: Engine, name: string): Promise<VolumeRecord> {
  const d = await e.refs.get(refs.volume(name));
  if (!d) throw new NotFoundError(`get ${name}: no such volume`);
  return e.readJson<VolumeRecord>(d, `volume ${name}`);
}

export async function listVolumes(e: Engine): Promise<VolumeRecord[]> {
  const out: VolumeRecord[] = [];
  for (const [, d] of await e.refs.list(PREFIX.volume)) out.push(await e.readJson<VolumeRecord>(d, 'volume'));
  return out.sort((a, b) => a.Name.localeCompare(b.Name));
}

/**
 * Make a volume record (not yet stored). `content` seeds it (Docker copies the image's
 * files at the mount point into a new volume).
 */
export async function newVolume(
  e: Engine,
  opts: { name?: string; labels?: Record<string, string>; content?: DirNode },
): Promise<VolumeRecord> {
  const name = opts.name ?? randomId();
  checkVolumeName(name);
  const root = opts.content ?? { type: 'dir', ...EMPTY_META, tree: await e.trees.put([]) };
  return {
    v: 1,
    Name: name,
    Driver: 'local',
    CreatedAt: e.timestamp(),
    Labels: opts.labels ?? {},
    Options: {},
    Scope: 'local',
    Mountpoint: `/var/lib/layerbox/volumes/${name}/_data`,
    Anonymous: opts.name === undefined,
    Root: root,
  };
}

/** `volume create`: idempotent for an existing name, as in Docker. Caller holds the lock. */
export async function createVolume(e: Engine, opts: { name?: string; labels?: Record<string, string> }): Promise<VolumeRecord> {
  if (opts.name) {
    const existing = await e.refs.get(refs.volume(opts.name));
    if (existing) return e.readJson<VolumeRecord>(existing, `volume ${opts.name}`);
  }
  const v = await newVolume(e, opts);
  await e.commitRefs([{ name: refs.volume(v.Name), value: await e.putJson(v), expect: null }]);
  return v;
}

/** Names of containers that mount the volume. */
export function volumeUsers(containers: ContainerState[], name: string): ContainerState[] {
  return containers.filter((c) => c.Mounts.some((m) => m.Type === 'volume' && m.Name === name));
}

/** `volume rm`: refuses a volume in use by any container, as Docker does even with -f. */
export async function removeVolume(e: Engine, name: string, containers: ContainerState[]): Promise<void> {
  const d = await e.refs.get(refs.volume(name));
  if (!d) throw new NotFoundError(`get ${name}: no such volume`);
  const users = volumeUsers(containers, name);
  if (users.length) {
    throw new FailedPreconditionError(
      `remove ${name}: volume is in use - [${users.map((c) => c.Id).join(', ')}]`,
    );
  }
  await e.commitRefs([{ name: refs.volume(name), value: null, expect: d }]);
}

