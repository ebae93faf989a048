// The `layerbox` executable (dist/layerbox.js): runs the CLI bundle (dist/cli.js)
// through V8's code cache, so a command starts without parsing and compiling the
// bundle again. Node 20 keeps no compile cache for user code (module.enableCompileCache
// came in Node 22), and compiling the bundle was the largest part of a command's
// start-up after Node's own.
//
// The cache is a hint, never a dependency: any failure to read, use or write it runs
// the bundle from source. V8 checks that a cache matches its own version and flags and
// the source's length; the bundle's content hash (BUNDLE_HASH, set by backend/build.mjs)
// in the file name covers the rest.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { startEarlyWorker } from '../process/early-worker.ts';
import { commandKey, runsProgramHere } from './command-words.ts';
import { commandRoot, runViaService, startService } from '../service/service-client.ts';
import { serviceEnabled } from '../service/service-socket.ts';

declare const BUNDLE_HASH: string;

const BUNDLE = join(__dirname, 'cli.js');
/**
 * Where caches live: $LAYERBOX_CODE_CACHE (a folder, or `off`), else
 * $XDG_CACHE_HOME/layerbox/code, else ~/.cache/layerbox/code.
 */
function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const set = env.LAYERBOX_CODE_CACHE;
  if (set === 'off' || set === '0') return undefined;
  if (set) return set;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, 'layerbox', 'code') : undefined;
}

function readCache(path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Caches of other bundles (other versions of layerbox) unused this long are removed. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Write the cache atomically (a torn file must never be read) and drop stale caches. */
function writeCache(dir: string, name: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${name}.${process.pid}`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
    const now = Date.now();
    for (const other of readdirSync(dir)) {
      if (other.startsWith(BUNDLE_HASH)) continue;
      const path = join(dir, other);
      if (now - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    }
  } catch {
    // A cache that cannot be written only costs the next start its compile time.
  }
}

/**
 * A command goes to its store's engine service when one runs; else it runs here, and
 * starts the service for the commands after it.
 */
async function launch(): Promise<void> {
  const argv = process.argv.slice(2);
  const internal = argv[0] === '__monitor' || argv[0] === '__engine';
  if (internal || !serviceEnabled(process.env)) return main(argv);
  const root = commandRoot(argv, process.env);
  const r = await runViaService(root, argv, BUNDLE_HASH);
  if (typeof r === 'number') {
    process.stdout.write('', () => process.exit(r));
    return;
  }
  process.once('exit', () => startService(__filename, root, BUNDLE_HASH));
  main(argv);
}

function main(argv: string[]): void {
  // A command that runs a program here boots its process worker first, alongside the rest.
  if (!process.env.LAYERBOX_PROCESS_WORKER && runsProgramHere(argv)) startEarlyWorker(join(__dirname, 'process-worker.js'));
  const source = readFileSync(BUNDLE, 'latin1');
  const dir = cacheDir(process.env);
  // Each command compiles its own set of functions as it runs, so each gets its own cache.
  const name = `${BUNDLE_HASH}-${process.version}-${process.arch}-${commandKey(argv) || 'none'}.bin`;
  const cachedData = readCache(dir && join(dir, name));
  // The wrapper is part of the cached source: it must not change between runs.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
  });
  if (dir && (!cachedData || script.cachedDataRejected)) {
    // Written at exit, after the command ran: the cache then holds the functions it
    // compiled on the way, not only the bundle's top level. Only a command that
    // succeeded writes one.
    process.once('exit', (code) => {
      if (code === 0 && !process.exitCode) writeCache(dir, name, script.createCachedData());
    });
  }
  const run = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  const mod = { exports: {} };
  run(mod.exports, require, mod, BUNDLE, __dirname);
}

void launch();
