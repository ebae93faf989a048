// The `layerbox` command for Node: the core's command table run against a store in a
// folder, with the user's files and terminal; or, as `__monitor` and `__engine`, a
// detached container's monitor and the engine service.
import { commandKey, isBulk } from './command-words.ts';
import { stdoutError } from './stdout-gone.ts';
import { installNodeHost } from '../host.ts';
import { runCli } from '../../shared/cli/command.ts';
import { program } from '../../shared/commands/program.ts';
import type { ByteStream } from '../../shared/host.ts';
import { nodeIO, openEngine, type Terminal } from './node-io.ts';

// More threads for file I/O where builds and loads read and write many files at once;
// libuv's default four elsewhere, as starting and stopping threads costs a small
// command several milliseconds. Takes effect because the pool starts on first use.
if (isBulk(commandKey(process.argv.slice(2)))) process.env.UV_THREADPOOL_SIZE ??= '16';
installNodeHost();

/** This process's terminal. */
const terminal: Terminal = {
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (chunk) => void process.stderr.write(chunk),
  stdin: () => process.stdin as unknown as ByteStream,
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  get columns() {
    return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : undefined;
  },
  env: process.env,
  get cwd() {
    return process.cwd();
  },
};

async function main(): Promise<number> {
  // A reader that went away (`layerbox run box ls | head -1`) ends the command quietly, as SIGPIPE would.
  process.stdout.on('error', stdoutError);
  process.stderr.on('error', stdoutError);
  try {
    // A detached container's monitor: `layerbox __monitor ROOT ID` (started by run -d / start).
    if (process.argv[2] === '__monitor') {
      const { engine: e, store } = await openEngine(process.argv[3]!, terminal);
      const { runMonitor } = await import('../runtime/monitor.ts');
      return await runMonitor(e, store, process.argv[4]!);
    }
    // The engine service of a store: `layerbox __engine ROOT BUILD` (started by a command).
    if (process.argv[2] === '__engine') {
      const { runEngineService } = await import('../service/engine-service.ts');
      return await runEngineService(process.argv[3]!, process.argv[4]!);
    }
    return await runCli(process.argv.slice(2), nodeIO(terminal), program);
  } catch (err) {
    // Anything the command table did not turn into a message: one line, no stack.
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.LAYERBOX_DEBUG) console.error(err);
    return 1;
  }
}

void main().then((code) => {
  // Let pending writes drain, then exit without waiting for idle handles.
  process.stdout.write('', () => process.exit(code));
});
