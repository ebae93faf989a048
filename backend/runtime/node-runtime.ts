// What the runtime needs from Node: process workers and synchronous blob reads.
import type { WorkerPool, WorkerPoolOptions } from '../../shared/process/worker-pool.ts';
import type { RuntimeHost } from '../../shared/runtime/sandbox.ts';
import type { FsStore } from '../store/fs-store.ts';
import { nodeWorkerPool } from '../process/node-workers.ts';

let pool: Promise<WorkerPool> | undefined;
let poolOptions: WorkerPoolOptions = { warm: 1, refill: false };

/** How this process's workers are kept, before its first program runs (the engine service keeps more). */
export function configureNodeWorkers(opts: WorkerPoolOptions): void {
  poolOptions = opts;
}

export function nodeRuntimeHost(store: FsStore): RuntimeHost {
  return {
    // One pool per Node process, started on first use (a CLI that runs nothing starts no workers).
    // One warm worker, and more only when programs run at once: a command usually runs
    // one program at a time, and booting a spare competes with it for the same cores.
    pool: () => (pool ??= nodeWorkerPool(poolOptions)),
    syncBlobs: { getSync: (d) => store.blobs.getSync(d) },
  };
}
