// Runs wasm/dist/userland.wasm under Node's WASI with a small implementation of the
// `layerbox` imports (wasm/ABI.md) over a real temporary directory that plays the
// container's root. Also runs the machine's GNU tools over the same directory, so
// tests can compare the applets with them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';

/**
 * The part of the WebAssembly JavaScript API used here. The project's compiler settings
 * declare no DOM globals, so it is typed locally and looked up on globalThis.
 */
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    customSections(m: WasmModule, name: string): ArrayBuffer[];
    exports(m: WasmModule): Array<{ name: string; kind: string }>;
    imports(m: WasmModule): Array<{ module: string; name: string; kind: string }>;
  };
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
export const WASM_PATH = path.join(REPO, 'wasm/dist/userland.wasm');

/** WASI errno values (wasi_snapshot_preview1 `errno`). */
const ERRNO: Record<string, number> = {
  E2BIG: 1, EACCES: 2, EBADF: 8, EBUSY: 10, EEXIST: 20, EINVAL: 28, EIO: 29, EISDIR: 31, ELOOP: 32,
  ENAMETOOLONG: 37, ENOENT: 44, ENOEXEC: 45, ENOSYS: 52, ENOTDIR: 54, ENOTEMPTY: 55, ENOTSUP: 58,
  EOPNOTSUPP: 58, EPERM: 63, ESRCH: 71, EXDEV: 75,
};
const EBADF = 8, EINVAL = 28, ELOOP = 32, ENOENT = 44, ENOTSUP = 58, EPERM = 63, ESRCH = 71;

function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && ERRNO[code]) || 29;
}

// Node's WASI uses V8 fast API calls, and one of them may start a garbage collection
// in the middle of a call, which crashes the process after a few hundred runs
// (nodejs/node#46777). Plain calls are slower but safe.
setFlagsFromString('--no-turbo-fast-api-calls');

let modulePromise: Promise<WasmModule> | undefined;

/** The compiled userland; builds it first when missing or stale (a no-op otherwise). */
export function userland(): Promise<WasmModule> {
  modulePromise ??= (async () => {
    const script = path.join(REPO, 'wasm/userland/build.mjs');
    const { build } = (await import(script)) as { build: () => Promise<string> };
    await build();
    return new WA.Module(fs.readFileSync(WASM_PATH));
  })();
  return modulePromise;
}

export interface RunOptions {
  /** Container path of the working directory (PWD). Default '/'. */
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  uid?: number;
  gid?: number;
  pid?: number;
  /** Pids that exist for `kill`; signals sent to them are recorded in `signals`. */
  pids?: number[];
  signals?: { pid: number; sig: number }[];
  /** What `statfs` answered, in 1 KiB blocks, one entry per call. */
  statfs?: { blocks: number; free: number }[];
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

/** A container root on the host, with the applets and GNU tools to run in it. */
export class Sandbox {
  readonly root: string;
  private applets = new Set<string>();

  private constructor(readonly module: WasmModule) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'layerbox-userland-'));
    // Owner names for `ls -l`, `stat`, `id`, `tar`: the host's, so GNU tools agree.
    fs.mkdirSync(path.join(this.root, 'etc'));
    fs.copyFileSync('/etc/passwd', path.join(this.root, 'etc/passwd'));
    fs.copyFileSync('/etc/group', path.join(this.root, 'etc/group'));
  }

  static async create(): Promise<Sandbox> {
    const box = new Sandbox(await userland());
    box.applets = new Set(box.run(['box', '--list']).stdout.split('\n').filter(Boolean));
    return box;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Host path of a container path. */
  host(p: string): string {
    return path.join(this.root, p);
  }

  write(p: string, content: string | Uint8Array, mode?: number): void {
    fs.mkdirSync(path.dirname(this.host(p)), { recursive: true });
    fs.writeFileSync(this.host(p), content);
    if (mode !== undefined) fs.chmodSync(this.host(p), mode);
  }

  read(p: string): string {
    return fs.readFileSync(this.host(p), 'utf8');
  }

  /** Runs argv (argv[0] names the applet) with stdio in temporary files. */
  run(argv: string[], opts: RunOptions = {}): RunResult {
    const io = fs.mkdtempSync(path.join(os.tmpdir(), 'layerbox-io-'));
    const inPath = path.join(io, 'in');
    fs.writeFileSync(inPath, opts.stdin ?? '');
    const fds = [fs.openSync(inPath, 'r'), fs.openSync(path.join(io, 'out'), 'w+'), fs.openSync(path.join(io, 'err'), 'w+')];
    try {
      const env = { PATH: '/usr/bin:/bin', HOME: '/root', ...opts.env, PWD: opts.cwd ?? '/' };
      const status = this.exec(argv, env, fds as [number, number, number], opts);
      const bytes = fs.readFileSync(path.join(io, 'out'));
      return { status, stdout: bytes.toString('utf8'), stderr: fs.readFileSync(path.join(io, 'err'), 'utf8'), bytes };
    } finally {
      for (const fd of fds) fs.closeSync(fd);
      fs.rmSync(io, { recursive: true, force: true });
    }
  }

  private exec(argv: string[], env: Record<string, string>, fds: [number, number, number], opts: RunOptions): number {
    const wasi = new WASI({
      version: 'preview1',
      args: argv,
      env,
      preopens: { '/': this.root },
      returnOnExit: true,
      stdin: fds[0],
      stdout: fds[1],
      stderr: fds[2],
    });
    const host = new LayerboxHost(this, env, fds, opts);
    const instance = new WA.Instance(this.module, {
      wasi_snapshot_preview1: wasi.wasiImport as Record<string, unknown>,
      layerbox: host.imports(),
    });
    host.memory = instance.exports.memory as WasmMemory;
    return wasi.start(instance);
  }

  /** `spawn`: runs an applet of the same module, sharing stdio; -1 when not found. */
  spawnChild(argv: string[], env: Record<string, string>, fds: [number, number, number], opts: RunOptions): number {
    const name = path.posix.basename(argv[0] ?? '');
    if (!this.applets.has(name)) return -1;
    return this.exec(argv, env, fds, { ...opts, pid: (opts.pid ?? 1) + 1 });
  }

  /** Runs a host program (GNU coreutils, busybox, tar) in the root, in the C locale and UTC. */
  gnu(argv: string[], opts: { cwd?: string; input?: string | Uint8Array } = {}): RunResult {
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd: this.host(opts.cwd ?? '/'),
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      input: opts.input ?? '',
    });
    // A program that exits before reading its input (sed with a bad script) leaves the
    // input unwritten: EPIPE, not a failure to run it.
    if (r.error && !((r.error as NodeJS.ErrnoException).code === 'EPIPE' && r.status !== null)) throw r.error;
    return { status: r.status ?? 128, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), bytes: r.stdout };
  }
}

/** The `layerbox` import module over the host filesystem below the sandbox root. */
class LayerboxHost {
  memory: WasmMemory | undefined;
  private mask = 0o022;

  constructor(
    private box: Sandbox,
    private env: Record<string, string>,
    private fds: [number, number, number],
    private opts: RunOptions,
  ) {}

  private view(): DataView {
    return new DataView(this.memory!.buffer);
  }

  private str(ptr: number, len: number): string {
    return Buffer.from(this.memory!.buffer, ptr, len).toString('utf8');
  }

  private strings(ptr: number, len: number): string[] {
    if (len === 0) return [];
    const text = this.str(ptr, len);
    return text.split('\0').slice(0, -1);
  }

  /**
   * The host path of `rel` below the root (the only preopen, fd 3), resolving `..` and
   * symlinks inside the root as the container sees them; the final component is
   * followed only when `follow`.
   */
  private resolve(dirfd: number, rel: string, follow: boolean): string | number {
    if (dirfd !== 3) return EBADF;
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    const done: string[] = [];
    let hops = 0;
    while (parts.length) {
      const part = parts.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = path.join(this.box.root, ...done, part);
      const last = parts.length === 0;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(candidate);
      } catch (e) {
        if (last) return candidate;
        return errnoOf(e);
      }
      if (st.isSymbolicLink() && (!last || follow)) {
        if (++hops > 40) return ELOOP;
        const target = fs.readlinkSync(candidate);
        if (target.startsWith('/')) done.length = 0;
        parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      done.push(part);
    }
    return path.join(this.box.root, ...done);
  }

  private stat(p: string, follow: boolean): fs.Stats {
    return follow ? fs.statSync(p) : fs.lstatSync(p);
  }

  private writeStat(out: number, st: fs.Stats): void {
    const v = this.view();
    const rdev = st.rdev;
    const major = ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
    const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
    [st.mode, st.uid, st.gid, major, minor, 0].forEach((x, i) => v.setUint32(out + 4 * i, x >>> 0, true));
  }

  imports(): Record<string, unknown> {
    const uid = this.opts.uid ?? 0;
    const gid = this.opts.gid ?? 0;
    const guard = (f: () => number): number => {
      try {
        return f();
      } catch (e) {
        return errnoOf(e);
      }
    };
    return {
      stat_ext: (dirfd: number, ptr: number, len: number, follow: number, out: number) =>
        guard(() => {
          const p = this.resolve(dirfd, this.str(ptr, len), follow !== 0);
          if (typeof p === 'number') return p;
          this.writeStat(out, this.stat(p, follow !== 0));
          return 0;
        }),
      fd_stat_ext: (fd: number, out: number) =>
        guard(() => {
          if (fd > 2) return EBADF;
          this.writeStat(out, fs.fstatSync(this.fds[fd]!));
          return 0;
        }),
      chmod: (dirfd: number, ptr: number, len: number, follow: number, mode: number) =>
        guard(() => {
          const p = this.resolve(dirfd, this.str(ptr, len), follow !== 0);
          if (typeof p === 'number') return p;
          const st = fs.lstatSync(p);
          if (st.isSymbolicLink()) return ENOTSUP;
          if (uid !== 0 && st.uid !== uid) return EPERM;
          fs.chmodSync(p, mode & 0o7777);
          return 0;
        }),
      chown: (dirfd: number, ptr: number, len: number, follow: number, u: number, g: number) =>
        guard(() => {
          const p = this.resolve(dirfd, this.str(ptr, len), follow !== 0);
          if (typeof p === 'number') return p;
          if (uid !== 0) return EPERM;
          fs.lchownSync(p, u, g);
          return 0;
        }),
      // Recorded only: files that Node's WASI creates take the Node process's umask
      // (022 here, the default), so the applets only ever read it.
      umask: (mask: number) => {
        const previous = this.mask;
        this.mask = mask & 0o777;
        return previous;
      },
      getuid: () => uid,
      getgid: () => gid,
      getpid: () => this.opts.pid ?? 1,
      getppid: () => 0,
      kill: (pid: number, sig: number) => {
        if (pid === (this.opts.pid ?? 1) || this.opts.pids?.includes(pid)) {
          if (sig !== 0) this.opts.signals?.push({ pid, sig });
          return 0;
        }
        return ESRCH;
      },
      spawn: (argvPtr: number, argvLen: number, envPtr: number, envLen: number, statusOut: number) => {
        const argv = this.strings(argvPtr, argvLen);
        if (argv.length === 0) return EINVAL;
        const env =
          envPtr === 0 && envLen === 0
            ? this.env
            : Object.fromEntries(
                this.strings(envPtr, envLen).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
              );
        const status = this.box.spawnChild(argv, env, this.fds, this.opts);
        if (status < 0) return ENOENT;
        this.view().setInt32(statusOut, status, true);
        return 0;
      },
      statfs: (dirfd: number, ptr: number, len: number, out: number) =>
        guard(() => {
          const p = this.resolve(dirfd, this.str(ptr, len), true);
          if (typeof p === 'number') return p;
          const s = fs.statfsSync(p);
          const v = this.view();
          const k = s.bsize / 1024;
          [1024, s.blocks * k, s.bfree * k, s.files, s.ffree].forEach((x, i) =>
            v.setBigUint64(out + 8 * i, BigInt(Math.floor(x)), true),
          );
          this.opts.statfs?.push({ blocks: Math.floor(s.blocks * k), free: Math.floor(s.bfree * k) });
          return 0;
        }),
    };
  }
}
