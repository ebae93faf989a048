// The `layerbox` command for Node: the core's command table run against a store in a
// folder, with the user's files and terminal.
// More threads for file I/O: builds and loads read and write many small files at once.
// Takes effect because the pool starts on first use, after this line.
process.env.UV_THREADPOOL_SIZE ??= "16";
import { installNodeHost } from '../host.ts';
import { runCli } from '../../shared/cli/command.ts';
import type { FlagValues } from '../../shared/cli/args.ts';
import { program } from '../../shared/commands/program.ts';
import type { LayerboxIO } from '../../shared/commands/io.ts';
import type { Engine } from '../../shared/engine/engine.ts';
import type { ByteStream } from '../../shared/host.ts';
import { NodeFiles } from './node-files.ts';
import { defaultStoreRoot } from '../store/layout.ts';

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
const stdin = (): ByteStream => process.stdin as unknown as ByteStream;
const write = (stream: NodeJS.WriteStream) => (chunk: string | Uint8Array) => {
  stream.write(chunk);
};

const io: LayerboxIO = {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  files: new NodeFiles(stdin),
  storeLocation: storeRoot,
  engine(globals) {
    engine ??= (async () => {
      const [{ openFsStore }, { Engine }] = await Promise.all([import('../store/fs-store.ts'), import('../../shared/engine/engine.ts')]);
      const store = await openFsStore(storeRoot(globals), {
        onWait: (m) => process.stderr.write(m.endsWith('\n') ? m : m + '\n'),
      });
      return new Engine(store, { limits: limitsFromEnv() });
    })();
    return engine;
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
  try {
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
