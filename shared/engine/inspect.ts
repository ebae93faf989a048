import type { Engine } from './engine.ts';
import { layerRecords, type Image } from './images.ts';
import type { ContainerState } from './container-state.ts';
import type { VolumeRecord } from './volumes.ts';

/** `image inspect`, in the shape of Docker's JSON (so `--format '{{.Config.Env}}'` works the same). */
export async function inspectImage(e: Engine, img: Image): Promise<Record<string, unknown>> {
  const c = img.config;
  const layers = await layerRecords(e, img);
  const size = layers.reduce((s, l) => s + l.size, 0);
  const history = c.history ?? [];
  return {
    Id: img.id,
    RepoTags: img.tags,
    RepoDigests: [],
    Parent: img.record.parent ?? '',
    Comment: history.length ? (history[history.length - 1]!.comment ?? '') : '',
    Created: c.created ?? '',
    Container: c.container ?? '',
    ContainerConfig: c.container_config ?? emptyConfig(),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: { ...emptyConfig(), ...(c.config ?? {}) },
    Architecture: c.architecture,
    Os: c.os,
    ...(c.variant ? { Variant: c.variant } : {}),
    Size: size,
    VirtualSize: size,
    GraphDriver: { Data: null, Name: 'layerbox' },
    RootFS: { Type: 'layers', Layers: layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
}

function emptyConfig() {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
  };
}

/** `container inspect`, in the shape of Docker's JSON. */
export function inspectContainer(s: ContainerState): Record<string, unknown> {
  return {
    Id: s.Id,
    Created: s.Created,
    Path: s.Path,
    Args: s.Args,
    State: {
      Status: s.State.Status,
      Running: s.State.Running,
      Paused: s.State.Paused,
      Restarting: false,
      OOMKilled: false,
      Dead: s.State.Status === 'dead',
      Pid: s.State.Pid,
      ExitCode: s.State.ExitCode,
      Error: s.State.Error,
      StartedAt: s.State.StartedAt,
      FinishedAt: s.State.FinishedAt,
    },
    Image: s.Image,
    Name: s.Name,
    RestartCount: 0,
    Driver: 'layerbox',
    Platform: 'linux',
    HostConfig: {
      Binds: s.HostConfig.Binds ?? null,
      AutoRemove: s.HostConfig.AutoRemove ?? false,
      ReadonlyRootfs: s.HostConfig.ReadonlyRootfs ?? false,
      Memory: s.HostConfig.Memory ?? 0,
      NetworkMode: 'none',
    },
    GraphDriver: { Data: { LowerDir: s.Lower.tree, UpperDir: s.Upper.tree }, Name: 'layerbox' },
    Mounts: s.Mounts.map((m) => ({ Type: m.Type, Name: m.Name, Source: m.Source ?? '', Destination: m.Destination, Driver: m.Type === 'volume' ? 'local' : undefined, Mode: '', RW: m.RW, Propagation: '' })),
    Config: s.Config,
    NetworkSettings: { Networks: {} },
  };
}

/** `volume inspect`, in the shape of Docker's JSON. */
export function inspectVolume(v: VolumeRecord): Record<string, unknown> {
  return { CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: v.Labels, Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: v.Scope };
}
