import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.ts';
import type { ContainerConfig } from '../image/config.ts';
import { MutableDir, EMPTY_META } from '../tree/mutable.ts';
import type { DirNode } from '../tree/node.ts';
import { cleanPath } from '../tree/path.ts';
import { UnionFs } from '../unionfs/unionfs.ts';
import type { RefUpdate } from '../store/ref-store.ts';
import type { Engine } from './engine.ts';
import { getImage } from './images.ts';
import { imageRootfs } from './rootfs.ts';
import { randomId, randomName } from './names.ts';
import { refs } from './refs.ts';
import { deleteContainer, readContainer, readContainers, writeContainer, type ContainerRecord } from './container-records.ts';
import { ZERO_TIME, type ContainerState, type MountPoint, canRemove } from './container-state.ts';
import { checkVolumeName, newVolume, getVolume, type VolumeRecord } from './volumes.ts';

export interface CreateOptions {
  image: string;
  name?: string;
  /** Replaces the image's Cmd when given (even empty: then the image's Cmd is dropped only with entrypoint). */
  cmd?: string[];
  /** `--entrypoint`: a string replaces the image's Entrypoint; '' clears it. */
  entrypoint?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  labels?: Record<string, string>;
  /** `-v` specs: `name:/path[:ro]`, `/path` (anonymous), `/host:/path[:ro]` (bind). */
  volumes?: string[];
  /** `--mount` specs already parsed. */
  mounts?: Array<{ type: 'volume' | 'bind' | 'tmpfs'; source?: string; target: string; readonly?: boolean }>;
  readOnly?: boolean;
  memory?: number;
  autoRemove?: boolean;
  tty?: boolean;
  openStdin?: boolean;
  stopSignal?: string;
}

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export async function listContainers(e: Engine): Promise<ContainerState[]> {
  const out = (await readContainers(e)).map((r) => r.state);
  return out.sort((a, b) => b.Created.localeCompare(a.Created));
}

/** Find a container by full ID, name, or unique ID prefix. */
export async function getContainer(e: Engine, ref: string): Promise<ContainerRecord> {
  const byId = await readContainer(e, ref);
  if (byId) return byId;
  const all = await readContainers(e);
  const name = ref.replace(/^\//, '');
  const named = all.find((x) => x.state.Name === '/' + name);
  if (named) return named;
  if (/^[0-9a-f]+$/.test(ref)) {
    const m = all.filter((x) => x.state.Id.startsWith(ref));
    if (m.length === 1) return m[0]!;
    if (m.length > 1) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${ref}`);
  }
  throw new NotFoundError(`No such container: ${ref}`);
}

/** `base` with `extra`'s variables set over it (`-e` over the image's ENV). */
export function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const out = [...base];
  for (const kv of extra) {
    const key = kv.split('=')[0]!;
    const i = out.findIndex((x) => x.split('=')[0] === key);
    if (i >= 0) out[i] = kv;
    else out.push(kv);
  }
  return out;
}

/**
 * `create`: a new container of an image with an empty writable layer. Costs the same for
 * a 10-file and a 100,000-file image: the lower filesystem is the image's cached merged
 * root, referenced by digest. Caller holds the lock.
 */
export async function createContainer(e: Engine, opts: CreateOptions): Promise<ContainerState> {
  const { state, updates } = await newContainer(e, opts);
  await writeContainer(e, state, updates, null);
  return state;
}

/**
 * A new container's state and the ref updates it needs (its new volumes, the image's
 * merged root if not cached yet), nothing written: `createContainer` records them,
 * `ContainerHost.run` records the container already running. Caller holds the lock.
 */
export async function newContainer(e: Engine, opts: CreateOptions): Promise<{ state: ContainerState; updates: RefUpdate[] }> {
  const img = await getImage(e, opts.image);
  const ic: ContainerConfig = img.config.config ?? {};
  let name: string;
  const existing = await listContainers(e);
  if (opts.name !== undefined) {
    if (!NAME.test(opts.name)) {
      throw new InvalidArgumentError(`Invalid container name (${opts.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    name = '/' + opts.name.replace(/^\//, '');
    const clash = existing.find((c) => c.Name === name);
    if (clash) {
      throw new AlreadyExistsError(
        `Conflict. The container name "${name}" is already in use by container "${clash.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
  } else {
    do name = '/' + randomName();
    while (existing.some((c) => c.Name === name));
  }

  let entrypoint = ic.Entrypoint ?? null;
  let cmd = ic.Cmd ?? null;
  if (opts.entrypoint !== undefined) {
    entrypoint = opts.entrypoint === '' ? null : [opts.entrypoint];
    // Docker drops the image's Cmd when --entrypoint is given.
    cmd = null;
  }
  if (opts.cmd && opts.cmd.length) cmd = opts.cmd;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgumentError('No command specified');

  const config: ContainerConfig = {
    Hostname: opts.hostname ?? '',
    Domainname: '',
    User: opts.user ?? ic.User ?? '',
    AttachStdin: false,
    AttachStdout: !opts.tty,
    AttachStderr: !opts.tty,
    Tty: opts.tty ?? false,
    OpenStdin: opts.openStdin ?? false,
    StdinOnce: false,
    Env: mergeEnv(ic.Env ?? [], opts.env ?? []),
    Cmd: cmd,
    Image: opts.image,
    Volumes: ic.Volumes ?? null,
    WorkingDir: opts.workdir ?? ic.WorkingDir ?? '',
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: { ...(ic.Labels ?? {}), ...(opts.labels ?? {}) },
  };
  if (ic.ExposedPorts) config.ExposedPorts = ic.ExposedPorts;
  if (opts.stopSignal ?? ic.StopSignal) config.StopSignal = opts.stopSignal ?? ic.StopSignal!;
  if (ic.Healthcheck) config.Healthcheck = ic.Healthcheck;

  const id = randomId();
  if (!config.Hostname) config.Hostname = id.slice(0, 12);
  const { root: lower, cache } = await imageRootfs(e, img);
  const lowerFs = new UnionFs(e.trees, lower, new MutableDir(EMPTY_META, { implicit: true }));

  // Volumes: explicit -v/--mount first, then the image's VOLUME paths not covered.
  const mounts: MountPoint[] = [];
  const newVolumes: VolumeRecord[] = [];
  const seed = async (dest: string): Promise<DirNode | undefined> => {
    const n = await lowerFs.lstat(dest);
    if (n?.type !== 'dir') return undefined;
    const d = await e.trees.lookup(lower, dest);
    return d?.type === 'dir' ? d : undefined;
  };
  const addVolume = async (vname: string | undefined, dest: string, rw: boolean) => {
    if (mounts.some((m) => m.Destination === dest)) throw new InvalidArgumentError(`Duplicate mount point: ${dest}`);
    if (vname !== undefined) {
      checkVolumeName(vname);
      const have = await e.refs.get(refs.volume(vname));
      if (!have && !newVolumes.some((v) => v.Name === vname)) {
        const content = await seed(dest);
        newVolumes.push(await newVolume(e, { name: vname, ...(content ? { content } : {}) }));
      } else if (have) await getVolume(e, vname);
      mounts.push({ Type: 'volume', Name: vname, Source: `/var/lib/layerbox/volumes/${vname}/_data`, Destination: dest, RW: rw });
    } else {
      const content = await seed(dest);
      const v = await newVolume(e, content ? { content } : {});
      newVolumes.push(v);
      mounts.push({ Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: dest, RW: rw });
    }
  };
  for (const spec of opts.volumes ?? []) {
    const parts = spec.split(':');
    let rw = true;
    if (parts.length === 3 || (parts.length === 2 && (parts[1] === 'ro' || parts[1] === 'rw'))) {
      rw = parts.pop() !== 'ro';
    }
    if (parts.length === 1) {
      if (!parts[0]!.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${spec}': mount path must be absolute`);
      await addVolume(undefined, cleanPath(parts[0]!), rw);
    } else if (parts.length === 2) {
      const [src, dest] = parts as [string, string];
      if (!dest.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${spec}': mount path must be absolute`);
      if (src.startsWith('/') || src.startsWith('.')) {
        mounts.push({ Type: 'bind', Source: src, Destination: cleanPath(dest), RW: rw });
      } else await addVolume(src, cleanPath(dest), rw);
    } else throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  }
  for (const m of opts.mounts ?? []) {
    const dest = cleanPath(m.target);
    if (m.type === 'volume') await addVolume(m.source || undefined, dest, !m.readonly);
    else mounts.push({ Type: m.type, ...(m.source ? { Source: m.source } : {}), Destination: dest, RW: !m.readonly });
  }
  for (const path of Object.keys(ic.Volumes ?? {})) {
    const dest = cleanPath(path);
    if (!mounts.some((m) => m.Destination === dest)) await addVolume(undefined, dest, true);
  }

  // Mount points missing from the image are made in the writable layer, as Docker does
  // (so `diff` shows them).
  const upperFs = new UnionFs(e.trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
  for (const m of mounts) {
    if (!(await upperFs.stat(m.Destination))) {
      await upperFs.mkdir(m.Destination, { mode: 0o755, uid: 0, gid: 0, mtime: Math.floor(e.now() / 1000) }, { parents: true });
    }
  }
  const upper = await upperFs.upper.persist(e.trees);
  const state: ContainerState = {
    v: 1,
    Id: id,
    Name: name,
    Created: e.timestamp(),
    Image: img.id,
    ImageRecord: img.recordDigest,
    ImageName: opts.image,
    Lower: lower,
    Upper: upper,
    Path: argv[0]!,
    Args: argv.slice(1),
    Config: config,
    HostConfig: {
      AutoRemove: opts.autoRemove ?? false,
      ReadonlyRootfs: opts.readOnly ?? false,
      Memory: opts.memory ?? 0,
      Binds: (opts.volumes ?? []).filter((v) => v.includes(':')),
    },
    Mounts: mounts,
    State: {
      Status: 'created',
      Running: false,
      Paused: false,
      ExitCode: 0,
      Pid: 0,
      StartedAt: ZERO_TIME,
      FinishedAt: ZERO_TIME,
      Error: '',
    },
  };
  const updates: RefUpdate[] = [...cache];
  for (const v of newVolumes) updates.push({ name: refs.volume(v.Name), value: await e.putJson(v), expect: null });
  return { state, updates };
}

/** The container's filesystem: its image's merged root under its writable layer. */
export function containerFs(e: Engine, s: ContainerState): UnionFs {
  return new UnionFs(e.trees, s.Lower, MutableDir.fromNode(s.Upper));
}

/** Store a container's changed state (and writable layer). Caller holds the lock. */
export async function saveContainer(e: Engine, s: ContainerState, fs?: UnionFs): Promise<ContainerState> {
  const next = fs ? { ...s, Upper: await fs.upper.persist(e.trees) } : s;
  const cur = await readContainer(e, s.Id);
  if (!cur) throw new NotFoundError(`No such container: ${s.Id}`);
  await writeContainer(e, next, [], cur.digest);
  return next;
}

/**
 * `rm`: remove a container and its anonymous volumes when `volumes` is set. A running
 * container needs `force`. Caller holds the lock.
 */
export async function removeContainer(e: Engine, ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<ContainerState> {
  const { state } = await getContainer(e, ref);
  if (!canRemove(state, opts.force ?? false)) {
    throw new FailedPreconditionError(
      `You cannot remove a ${state.State.Status} container ${state.Id}. Stop the container before attempting removal or force remove`,
    );
  }
  const updates: RefUpdate[] = [];
  if (opts.volumes) {
    for (const m of state.Mounts) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const d = await e.refs.get(refs.volume(m.Name));
      if (!d) continue;
      const v = await e.readJson<VolumeRecord>(d, 'volume');
      if (v.Anonymous) updates.push({ name: refs.volume(m.Name), value: null });
    }
  }
  await deleteContainer(e, state, updates);
  return state;
}

export async function containerChanges(e: Engine, ref: string) {
  const { state } = await getContainer(e, ref);
  return containerFs(e, state).changes();
}
