/**
 * Process workers under Node: worker_threads running the same worker code a browser
 * runs in Web Workers. Idle workers do not keep Node alive; a worker running a process
 * does.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerHandle } from '../../shared/process/protocol.ts';
import { WorkerPool, type WorkerFactory, type WorkerPoolOptions } from '../../shared/process/worker-pool.ts';
import { takeEarlyWorker } from './early-worker.ts';
import { processWorkerScript, type WorkerScript } from './worker-script.ts';

export function nodeWorkerFactory(script: WorkerScript): WorkerFactory {
  return (): WorkerHandle => {
    const w = (script.kind === 'file' && takeEarlyWorker(script.path)) || (script.kind === 'file' ? new Worker(script.path) : new Worker(script.code, { eval: true }));
    w.unref();
    let onError: ((e: Error) => void) | null = null;
    let terminated = false;
    w.on('error', (e) => onError?.(e));
    w.on('exit', (code) => {
      if (!terminated) onError?.(new Error(`process worker exited with code ${code}`));
    });
    return {
      post: (m: ToWorker) => w.postMessage(m),
      onMessage: (cb: (m: FromWorker) => void) => void w.on('message', cb),
      onError: (cb) => void (onError = cb),
      terminate: () => {
        terminated = true;
        void w.terminate();
      },
      busy: (running) => (running ? w.ref() : w.unref()),
    };
  };
}

/** A pool of Node process workers, started warm. */
export async function nodeWorkerPool(opts: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const pool = new WorkerPool(nodeWorkerFactory(await processWorkerScript()), opts);
  pool.prewarm();
  return pool;
}
