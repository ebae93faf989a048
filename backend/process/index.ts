// Node adapters of the process runtime: worker_threads process workers.
export { nodeWorkerFactory, nodeWorkerPool } from './node-workers.ts';
export { processWorkerScript, type WorkerScript } from './worker-script.ts';
