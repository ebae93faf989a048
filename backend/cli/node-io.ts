// The place a layerbox command runs in Node: the store in a folder, the user's files and
// terminal. The `layerbox` process builds one over its own terminal; the engine service
// builds one per request over the requesting client's.
import type { FlagValues } from '../../shared/cli/args.ts';
import type { HostFiles, LayerboxIO } from '../../shared/commands/io.ts';
import type { Engine } from '../../shared/engine/engine.ts';
import type { ByteStream } from '../../shared/host.ts';
import type { ContainerControl } from '../../shared/runtime/control.ts';
import type { ContainerHost } from '../../shared/runtime/container-host.ts';
import { resolve } from 'node:path';
import { defaultStoreRoot } from '../store/layout.ts';
import type { FsStore } from '../store/fs-store.ts';
import type { NodeFiles } from './node-files.ts';

/** The user's side of one command. */
export interface Terminal {
  stdout(chunk: string | Uint8Array): void;
  stderr(chunk: string | Uint8Array): void;
  /** Standard input, asked for only by commands that read it. */
  stdin(): ByteStream;
  readonly isTTY: boolean;
  readonly stdinIsTTY: boolean;
  readonly columns: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Interrupts while a foreground container runs (SIGINT, SIGTERM, SIGPIPE when stdout's
   * reader left); by default this process's own.
   */
  onInterrupt?(fn: (signal: string) => void): () => void;
  /** Settles when the user is gone (see LayerboxIO.cancelled). */
  readonly cancelled?: Promise<void>;
}

export interface NodeIOOptions {
  /** Detached containers run in this process (the engine service) instead of a monitor each. */
  detachedHere?: boolean;
}

/** The store a command names, as an absolute path (`--root` is relative to the command's directory). */
export function storeRoot(globals: FlagValues, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const flag = globals.has('root') ? globals.string('root') : '';
  return flag ? resolve(cwd, flag) : defaultStoreRoot(env, cwd);
}

function limitsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  const num = (k: string) => (env[k] && /^\d+$/.test(env[k]!) ? Number(env[k]) : undefined);
  const maxU = num('LAYERBOX_MAX_UNCOMPRESSED');
  const ratio = num('LAYERBOX_MAX_RATIO');
  if (maxU !== undefined) out.maxUncompressed = maxU;
  if (ratio !== undefined) out.maxRatio = ratio;
  return out;
}

interface Opened {
  engine: Engine;
  store: FsStore;
  host?: ContainerHost;
}

/** Stores opened by this process, by root: one engine each, shared by its commands. */
const opened = new Map<string, Promise<Opened>>();
/** Engines over those stores with other limits (a command's LAYERBOX_MAX_* variables). */
const limited = new Map<string, Promise<Engine>>();

/** The store and engine at `root`, opened once; a new store starts with the built-in images. */
export function openEngine(root: string, t?: Pick<Terminal, 'stderr' | 'env'>, opts: { spareFiles?: number } = {}): Promise<Opened> {
  let o = opened.get(root);
  if (!o) {
    o = (async () => {
      const [{ openFsStore }, { Engine }, { nodeCatalog }, { existsSync }, { StoreLayout }] = await Promise.all([
        import('../store/fs-store.ts'),
        import('../../shared/engine/engine.ts'),
        import('../catalog.ts'),
        import('node:fs'),
        import('../store/layout.ts'),
      ]);
      const fresh = !existsSync(new StoreLayout(root).versionFile);
      const store = await openFsStore(root, {
        ...opts,
        onWait: (m) => t?.stderr(m.endsWith('\n') ? m : m + '\n'),
      });
      const e = new Engine(store, { limits: limitsFromEnv(process.env), catalog: nodeCatalog });
      // As a learner's first `run box` should not need a network, a new store holds box.
      if (fresh) await (await import('../../shared/engine/catalog.ts')).seedStore(e);
      return { engine: e, store };
    })();
    opened.set(root, o);
    o.catch(() => opened.delete(root));
  }
  return o;
}

/** The engine for a command: the store's own, or one with the limits the command's environment sets. */
async function engineFor(root: string, t: Terminal): Promise<Engine> {
  const o = await openEngine(root, t);
  const want = limitsFromEnv(t.env);
  const key = JSON.stringify(want);
  // The store's own engine was opened with this process's environment.
  if (key === JSON.stringify(limitsFromEnv(process.env))) return o.engine;
  const k = `${root}\0${key}`;
  let e = limited.get(k);
  if (!e) {
    e = (async () => {
      const [{ Engine }, { nodeCatalog }] = await Promise.all([import('../../shared/engine/engine.ts'), import('../catalog.ts')]);
      return new Engine(o.store, { limits: want, catalog: nodeCatalog });
    })();
    limited.set(k, e);
  }
  return e;
}

export function nodeIO(t: Terminal, opts: NodeIOOptions = {}): LayerboxIO {
  // The user's files, loaded on first use: most commands never touch them, and the
  // module brings in node:fs/promises and node:stream.
  let nodeFiles: Promise<NodeFiles> | undefined;
  const loadFiles = () => (nodeFiles ??= import('./node-files.ts').then((m) => new m.NodeFiles(() => t.stdin(), t.cwd)));
  const files: HostFiles = {
    cwd: () => t.cwd,
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
  const rootOf = (globals: FlagValues) => storeRoot(globals, t.env, t.cwd);
  let control: Promise<ContainerControl> | undefined;
  // Terminal facts stay getters: asking a process's own stdin or stdout creates the
  // stream, which a command that never reads or writes it should not pay for.
  return {
    stdout: (chunk) => t.stdout(chunk),
    stderr: (chunk) => t.stderr(chunk),
    get isTTY() {
      return t.isTTY;
    },
    env: t.env,
    get columns() {
      return t.columns;
    },
    stdin: () => t.stdin(),
    get stdinIsTTY() {
      return t.stdinIsTTY;
    },
    files,
    ...(t.cancelled ? { cancelled: t.cancelled } : {}),
    storeLocation: rootOf,
    engine(globals) {
      return engineFor(rootOf(globals), t);
    },
    containers(globals) {
      return (control ??= (async () => {
        const o = await openEngine(rootOf(globals), t);
        const { nodeContainerHost, nodeContainerControl } = await import('../runtime/node-control.ts');
        o.host ??= nodeContainerHost(o.engine, o.store);
        return nodeContainerControl(o.host, o.store, {
          stdin: () => t.stdin(),
          ...(t.onInterrupt ? { onInterrupt: (fn: (signal: string) => void) => t.onInterrupt!(fn) } : {}),
          detachedHere: opts.detachedHere ?? false,
        });
      })());
    },
    async checkBlobs(globals) {
      const { openFsStore, checkStore, describeCheck } = await import('../store/index.ts');
      const store = await openFsStore(rootOf(globals));
      const report = await checkStore(store);
      // The last line is the summary; the rest are problems.
      return describeCheck(report).slice(0, -1);
    },
  };
}
