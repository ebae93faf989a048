// A detached container's monitor (Podman's conmon model): a small Node process that
// starts the container, serves its socket, keeps its log, saves its changes when it
// stops, and then exits. Its first line on stdout tells the starting command the outcome.
import type { Engine } from '../../shared/engine/engine.ts';
import type { FsStore } from '../store/fs-store.ts';
import { nodeContainerControl, nodeContainerHost } from './node-control.ts';

export async function runMonitor(e: Engine, store: FsStore, id: string): Promise<number> {
  const control = nodeContainerControl(nodeContainerHost(e, store), store);
  let running;
  try {
    running = await control.host.start(id);
  } catch (err) {
    process.stdout.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const unserve = control.serve(running);
  process.stdout.write('started\n');
  // Nobody reads this end any more; the monitor must not die of it.
  process.stdout.on('error', () => {});
  process.on('SIGPIPE', () => {});
  // Held open until the container stops, whatever its processes wait on.
  const keep = setInterval(() => {}, 1 << 30);
  try {
    return (await running.done).status;
  } finally {
    clearInterval(keep);
    unserve();
  }
}
