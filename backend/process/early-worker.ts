/**
 * A process worker started by the `layerbox` launcher before the CLI bundle loads, for a
 * command that will run a program in this process (`run` in the foreground). Booting a
 * worker thread is the longest single step of such a command; begun first, it overlaps
 * loading the bundle and opening the store on the other core. The pool adopts it as its
 * first worker. The launcher and the CLI are separate bundles, so the hand-over is a
 * global slot.
 */
import type { Worker } from 'node:worker_threads';

interface Early {
  path: string;
  worker: Worker;
  failed: boolean;
}

const SLOT = Symbol.for('layerbox.early-process-worker');
type Holder = { [SLOT]?: Early };

export function startEarlyWorker(path: string): void {
  try {
    // Loaded here, as the launcher loads this module for every command (getBuiltinModule is Node ≥ 20.16).
    const threads = (process.getBuiltinModule?.('node:worker_threads') ?? require('node:worker_threads')) as typeof import('node:worker_threads');
    const worker = new threads.Worker(path);
    // Never the reason a command stays alive: the pool takes over its ref-counting.
    worker.unref();
    const early: Early = { path, worker, failed: false };
    const fail = () => void (early.failed = true);
    worker.once('error', fail);
    worker.once('exit', fail);
    (globalThis as Holder)[SLOT] = early;
  } catch {
    // Only a head start: the pool starts its own.
  }
}

/** The early worker for `path`, once; undefined when there is none or it failed. */
export function takeEarlyWorker(path: string): Worker | undefined {
  const g = globalThis as Holder;
  const early = g[SLOT];
  if (!early) return undefined;
  delete g[SLOT];
  if (early.path !== path || early.failed) {
    void early.worker.terminate();
    return undefined;
  }
  return early.worker;
}
