// What the runtime needs from Node: process workers and synchronous blob reads.
import type { WorkerPool } from '../../shared/process/worker-pool.ts';
import type { RuntimeHost } from '../../shared/runtime/sandbox.ts';
import type { FsStore } from '../store/fs-store.ts';
import { nodeWorkerPool } from '../process/node-workers.ts';

let pool: Promise<WorkerPool> | undefined;

export function nodeRuntimeHost(store: FsStore): RuntimeHost {
  return {
    // One pool per Node process, started on first use (a CLI that runs nothing starts no workers).
    pool: () => (pool ??= nodeWorkerPool()),
    syncBlobs: { getSync: (d) => store.blobs.getSync(d) },
  };
}
