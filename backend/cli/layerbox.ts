// The `layerbox` command for Node: the core's command table run against a store in a
// folder, with the user's files and terminal.
import { commandKey, isBulk } from './command-words.ts';
import { stdoutError } from './stdout-gone.ts';
import { installNodeHost } from '../host.ts';
import { runCli } from '../../shared/cli/command.ts';
import type { FlagValues } from '../../shared/cli/args.ts';
import { program } from '../../shared/commands/program.ts';
import type { LayerboxIO } from '../../shared/commands/io.ts';
import type { Engine } from '../../shared/engine/engine.ts';
import type { ByteStream } from '../../shared/host.ts';
import type { HostFiles } from '../../shared/commands/io.ts';
import type { NodeFiles } from './node-files.ts';
import { defaultStoreRoot } from '../store/layout.ts';
import type { FsStore } from '../store/fs-store.ts';
import type { ContainerControl } from '../../shared/runtime/control.ts';

// More threads for file I/O where builds and loads read and write many files at once;
// libuv's default four elsewhere, as starting and stopping threads costs a small
// command several milliseconds. Takes effect because the pool starts on first use.
if (isBulk(commandKey(process.argv.slice(2)))) process.env.UV_THREADPOOL_SIZE ??= '16';
installNodeHost();

function storeRoot(globals: FlagValues): string {
  const flag = globals.has('root') ? globals.string('root') : '';
  return flag || defaultStoreRoot(process.env);
}

function limitsFromEnv(): Record<string, number> {
  const out: Record<string, number> = {};
  const num = (k: string) => (process.env[k] && /^\d+$/.test(process.env[k]!) ? Number(process.env[k]) : undefined);
  const maxU = num('LAYERBOX_MAX_UNCOMPRESSED');
  const ratio = num('LAYERBOX_MAX_RATIO');
  if (maxU !== undefined) out.maxUncompressed = maxU;
  if (ratio !== undefined) out.maxRatio = ratio;
  return out;
}

let engine: Promise<Engine> | undefined;
let opened: Promise<{ engine: Engine; store: FsStore }> | undefined;
let control: ContainerControl | undefined;

/** The store and engine, opened once; a new store starts with the built-in images. */
function openEngine(root: string): Promise<{ engine: Engine; store: FsStore }> {
  return (opened ??= (async () => {
    const [{ openFsStore }, { Engine }, { nodeCatalog }, { existsSync }, { StoreLayout }] = await Promise.all([
      import('../store/fs-store.ts'),
      import('../../shared/engine/engine.ts'),
      import('../catalog.ts'),
      import('node:fs'),
      import('../store/layout.ts'),
    ]);
    const fresh = !existsSync(new StoreLayout(root).versionFile);
    const store = await openFsStore(root, {
      onWait: (m) => process.stderr.write(m.endsWith('\n') ? m : m + '\n'),
    });
    const e = new Engine(store, { limits: limitsFromEnv(), catalog: nodeCatalog });
    // As a learner's first `run box` should not need a network, a new store holds box.
    if (fresh) await (await import('../../shared/engine/catalog.ts')).seedStore(e);
    return { engine: e, store };
  })());
}
const stdin = (): ByteStream => process.stdin as unknown as ByteStream;

/**
 * The user's files, loaded on first use: most commands never touch them, and the
 * module brings in node:fs/promises and node:stream.
 */
let nodeFiles: Promise<NodeFiles> | undefined;
const loadFiles = () => (nodeFiles ??= import('./node-files.ts').then((m) => new m.NodeFiles(stdin)));
const files: HostFiles = {
  cwd: () => process.cwd(),
  buildContext: async (path) => (await loadFiles()).buildContext(path),
  isDirectory: async (path) => (await loadFiles()).isDirectory(path),
  exists: async (path) => (await loadFiles()).exists(path),
  readFile: async (path) => (await loadFiles()).readFile(path),
  read: (path) => (async function* () { yield* (await loadFiles()).read(path); })(),
  write: async (path, data) => (await loadFiles()).write(path, data),
  layoutFiles: (dir) => (async function* () { yield* (await loadFiles()).layoutFiles(dir); })(),
  entries: (path, name) => (async function* () { yield* (await loadFiles()).entries(path, name); })(),
  extract: async (dir, entries) => (await loadFiles()).extract(dir, entries),
};

// Terminal facts are getters: asking process.stdin or process.stdout creates the
// stream (a socket, a tty or a file stream), which a command that never reads or
// writes it should not pay for.
const io: LayerboxIO = {
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (chunk) => void process.stderr.write(chunk),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  env: process.env,
  get columns() {
    return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : undefined;
  },
  stdin,
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  files,
  storeLocation: storeRoot,
  engine(globals) {
    return (engine ??= openEngine(storeRoot(globals)).then((x) => x.engine));
  },
  async containers(globals) {
    const { engine: e, store } = await openEngine(storeRoot(globals));
    const { nodeContainerControl } = await import('../runtime/node-control.ts');
    return (control ??= nodeContainerControl(e, store));
  },
  async checkBlobs(globals) {
    const { openFsStore, checkStore, describeCheck } = await import('../store/index.ts');
    const store = await openFsStore(storeRoot(globals));
    const report = await checkStore(store);
    // The last line is the summary; the rest are problems.
    return describeCheck(report).slice(0, -1);
  },
};

async function main(): Promise<number> {
  // A reader that went away (`layerbox run box ls | head -1`) ends the command quietly, as SIGPIPE would.
  process.stdout.on('error', stdoutError);
  process.stderr.on('error', stdoutError);
  try {
    // A detached container's monitor: `layerbox __monitor ROOT ID` (started by run -d / start).
    if (process.argv[2] === '__monitor') {
      const { engine: e, store } = await openEngine(process.argv[3]!);
      const { runMonitor } = await import('../runtime/monitor.ts');
      return await runMonitor(e, store, process.argv[4]!);
    }
    return await runCli(process.argv.slice(2), io, program);
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
