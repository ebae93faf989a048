import type { Engine } from '../engine/engine.ts';
import type { DirNode } from '../tree/node.ts';
import { ProcessRuntime } from '../process/runtime.ts';
import type { WorkerPool } from '../process/worker-pool.ts';
import { FsDomain } from '../vfs/domain.ts';
import { Vfs } from '../vfs/vfs.ts';
import { workingSet, type SyncBlobs } from './working-set.ts';
import { shellApplet } from './shell-host.ts';
import type { HostAppletRegistry } from '../process/host-applets.ts';

/** Programs the engine runs itself when the userland names them: the shell. */
const APPLETS: HostAppletRegistry = new Map([['sh', shellApplet]]);

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
    return new Sandbox(vfs, runtime, opts.hostname);
  }
}
