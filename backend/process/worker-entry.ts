// The entry point of a process worker under Node (worker_threads). Bundled on its own:
// see worker-script.ts.
import { parentPort } from 'node:worker_threads';
import { workerMain } from '../../shared/process/worker-main.ts';
import type { FromWorker, ToWorker } from '../../shared/process/protocol.ts';

const port = parentPort!;
workerMain({
  post: (m: FromWorker) => port.postMessage(m),
  onMessage: (cb: (m: ToWorker) => void) => port.on('message', cb),
});
