// Container control on Node: containers run in the process that started them in the
// foreground, or in a detached monitor process (monitor.ts); other commands reach them
// through each container's socket (holder.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from '../package-files.ts';
import { FailedPreconditionError } from '../../shared/errors.ts';
import type { Engine } from '../../shared/engine/engine.ts';
import { ContainerHost, type RunningContainer } from '../../shared/runtime/container-host.ts';
import type { ContainerControl } from '../../shared/runtime/control.ts';
import { LocalHandle } from '../../shared/runtime/handle.ts';
import type { FsStore } from '../store/fs-store.ts';
import { FileLogStore } from './file-logs.ts';
import { holderAddress, holderListening, RemoteHandle, serveContainer } from './holder.ts';
import { nodeRuntimeHost } from './node-runtime.ts';
import { onStdoutGone } from '../cli/stdout-gone.ts';

/** The CLI script a monitor runs: this one when running built, else the package's dist/layerbox.js. */
function cliScript(): string {
  if (process.env.LAYERBOX_CLI) return process.env.LAYERBOX_CLI;
  const argv1 = process.argv[1];
  if (argv1 && /layerbox(\.js)?$/.test(argv1) && existsSync(argv1)) return argv1;
  const built = packageFile(join('dist', 'layerbox.js'));
  if (!built) throw new FailedPreconditionError("cannot find dist/layerbox.js to run a detached container's monitor: run 'npm run build'");
  return built;
}

/** The containers this process runs, over the store at `store`. */
export function nodeContainerHost(e: Engine, store: FsStore): ContainerHost {
  return new ContainerHost(e, nodeRuntimeHost(store), new FileLogStore(join(store.location, 'containers')), process.pid);
}

export interface NodeControlOptions {
  /** Standard input of the command, for attach and exec into a container held elsewhere. */
  stdin?: () => AsyncIterable<Uint8Array>;
  /** Interrupts of the command's terminal; by default this process's signals and broken stdout. */
  onInterrupt?: (fn: (signal: string) => void) => () => void;
  /** Detached containers run in this process (the engine service) instead of a monitor each. */
  detachedHere?: boolean;
}

export function nodeContainerControl(host: ContainerHost, store: FsStore, opts: NodeControlOptions = {}): ContainerControl {
  const root = store.location;
  const stdin = opts.stdin ?? (() => process.stdin as AsyncIterable<Uint8Array>);
  const serve = (running: RunningContainer) => serveContainer(holderAddress(root, running.id), running);
  return {
    host,
    async handle(id) {
      const local = host.running(id);
      if (local) return new LocalHandle(local);
      const address = holderAddress(root, id);
      if (!(await holderListening(address))) return undefined;
      return new RemoteHandle(id, address, stdin);
    },
    async startDetached(id) {
      if (opts.detachedHere) {
        const running = await host.start(id);
        const unserve = serve(running);
        void running.done.finally(unserve);
        return;
      }
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cliScript(), '__monitor', root, id], {
          detached: true,
          stdio: ['ignore', 'pipe', 'ignore'],
          env: process.env,
        });
        let text = '';
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (d: string) => {
          text += d;
          const nl = text.indexOf('\n');
          if (nl < 0) return;
          const line = text.slice(0, nl);
          child.stdout!.destroy();
          child.unref();
          if (line === 'started') resolve();
          else reject(new FailedPreconditionError(line.replace(/^error: /, '')));
        });
        child.on('error', (err) => reject(new FailedPreconditionError(`cannot start the container's monitor: ${err.message}`)));
        child.on('exit', (code) => {
          if (!text.includes('\n')) reject(new FailedPreconditionError(`the container's monitor exited with status ${code} before starting it`));
        });
      });
    },
    serve,
    holderAlive(pid) {
      if (pid <= 0) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    onInterrupt(fn) {
      return (opts.onInterrupt ?? processInterrupts)(fn);
    },
  };
}

/** This process's own interrupts: SIGINT, SIGTERM, and its stdout's reader going away. */
export function processInterrupts(fn: (signal: string) => void): () => void {
  const onInt = () => fn('SIGINT');
  const onTerm = () => fn('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // Our reader went away (`run … | head -1`): the foreground container hears of it.
  const offPipe = onStdoutGone(() => fn('SIGPIPE'));
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    offPipe();
  };
}
