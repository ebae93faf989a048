import type { Engine } from '../engine/engine.ts';
import type { DirNode } from '../tree/node.ts';
import { ProcessRuntime } from '../process/runtime.ts';
import type { WorkerPool } from '../process/worker-pool.ts';
import { FsDomain } from '../vfs/domain.ts';
import { Vfs } from '../vfs/vfs.ts';
import { ROOT_CRED, ROOT_INO } from '../vfs/fs-api.ts';
import { workingSet, type SyncBlobs } from './working-set.ts';
import { shellApplet } from './shell-host.ts';
import type { HostAppletRegistry } from '../process/host-applets.ts';

/** Programs the engine runs itself when the userland names them: the shell. */
const APPLETS: HostAppletRegistry = new Map([['sh', shellApplet]]);

/**
 * /dev as Docker makes it: a fresh in-memory tree (never part of the container's layer)
 * with the character devices programs expect, their behaviour in wasi/device-fd.ts.
 */
function mountDev(vfs: Vfs, mtime: number): void {
  vfs.mount('/dev', FsDomain.empty({ mode: 0o755, uid: 0, gid: 0, mtime }), { create: true });
  const devices: Array<[string, number, number]> = [['null', 1, 3], ['zero', 1, 5], ['full', 1, 7], ['random', 1, 8], ['urandom', 1, 9], ['tty', 5, 0], ['console', 5, 1]];
  for (const [name, major, minor] of devices) vfs.mknod(ROOT_CRED, ROOT_INO, `/dev/${name}`, 'char', 0o666, { major, minor });
  vfs.mkdir(ROOT_CRED, ROOT_INO, '/dev/pts', 0o755);
  const shm = vfs.mkdir(ROOT_CRED, ROOT_INO, '/dev/shm', 0o777);
  vfs.setattr(ROOT_CRED, shm, { mode: 0o1777 });
  vfs.symlink(ROOT_CRED, '/proc/self/fd', ROOT_INO, '/dev/fd');
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => vfs.symlink(ROOT_CRED, `/proc/self/fd/${fd}`, ROOT_INO, `/dev/${name}`));
}

/** What a host gives the runtime: workers for processes, and fast blob reads if it has them. */
export interface RuntimeHost {
  /** The engine's pool of process workers (started on first use). */
  pool(): Promise<WorkerPool>;
  syncBlobs?: SyncBlobs;
}

export interface SandboxVolume {
  path: string;
  domain: FsDomain;
  readOnly: boolean;
}

export interface SandboxOptions {
  /** The merged root filesystem processes start from, or its working set already read. */
  root: DirNode | FsDomain;
  hostname: string;
  readOnly?: boolean;
  /** Bytes of memory each process may use; null for no limit. */
  memory?: number | null;
  volumes?: SandboxVolume[];
  /** A container: its pid 1 ignores signals it does not handle, as in Docker. */
  container?: boolean;
}

/**
 * Where processes run: a working-set filesystem over a stored root (with volumes and
 * /proc mounted), and a process runtime over it. A container holds one for as long as it
 * runs; a build's RUN step makes one per step.
 */
export class Sandbox {
  private constructor(
    readonly vfs: Vfs,
    readonly runtime: ProcessRuntime,
    readonly hostname: string,
  ) {}

  static async create(e: Engine, host: RuntimeHost, opts: SandboxOptions): Promise<Sandbox> {
    const [root, pool] = await Promise.all([opts.root instanceof FsDomain ? opts.root : workingSet(e, opts.root, host.syncBlobs), host.pool()]);
    const vfs = new Vfs(root, { readOnly: opts.readOnly ?? false });
    const runtime = new ProcessRuntime({ fs: vfs, pool, applets: APPLETS, memoryLimit: opts.memory ?? null, initIgnoresSignals: opts.container ?? false, now: () => e.now() });
    for (const v of opts.volumes ?? []) vfs.mount(v.path, v.domain, { readOnly: v.readOnly, create: true });
    const mounts = () =>
      ['overlay / overlay rw 0 0', 'proc /proc proc rw,nosuid,nodev,noexec 0 0', ...(opts.volumes ?? []).map((v) => `volume ${v.path} layerbox ${v.readOnly ? 'ro' : 'rw'} 0 0`)].join('\n') + '\n';
    vfs.mount('/proc', runtime.procFs({ hostname: () => opts.hostname, mounts }), { create: true });
    mountDev(vfs, Math.floor(e.now() / 1000));
    return new Sandbox(vfs, runtime, opts.hostname);
  }
}
