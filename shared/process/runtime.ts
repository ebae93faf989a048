/**
 * The processes of one container: starting programs from the container's own filesystem
 * (PATH, `#!`, host applets), running each WASI program in a pooled worker whose
 * synchronous calls this side answers, stdio streams and pipes, signals, memory limits,
 * and the process table `ps` and /proc read.
 *
 * Lifecycle of a process: `spawn` resolves the program (throwing `ExecError` when it
 * cannot start), adds it to the table with the next pid, and starts it; `wait()` resolves
 * once it has exited, when it has also left the table. A terminating signal ends a WASI
 * process at once (its worker is terminated), whatever it is doing.
 */
import { host } from '../host.ts';
import { ROOT_CRED, type Cred, type FsApi, type Ino, type StatFs } from '../vfs/fs-api.ts';
import { errnoFromName, E } from '../wasi/errno.ts';
import type { InheritedFd, SpawnRequest, SpawnResult } from '../wasi/system.ts';
import { buffered, type BufferedReader } from './buffered-reader.ts';
import { encodeError, encodeValue, type SyscallOp } from './channel.ts';
import { ExecError } from './exec-error.ts';
import { FileReader, FileWriter } from './file-stream.ts';
import { hostApplets as defaultApplets, type HostAppletContext, type HostAppletRegistry } from './host-applets.ts';
import { ModuleCache } from './module-cache.ts';
import type { WasmModule } from './wasm-api.ts';
import { ProcessTable, stopRunning, type ExitStatus, type ProcessInfo } from './process-table.ts';
import { ProcFs } from './proc-fs.ts';
import { Process, type StreamEntry } from './process.ts';
import type { ExitMessage, FromWorker, RunJob } from './protocol.ts';
import { REMOTE_FS_METHODS } from './remote-system.ts';
import { resolveProgram, type ResolvedProgram } from './resolve.ts';
import { SabServer, type CallMessage } from './sab-channel.ts';
import { defaultAction, SIGKILL, SIGPIPE, SIGTERM } from './signals.ts';
import { BrokenPipeError, EMPTY_READER, NULL_WRITER, type ByteReader, type ByteWriter } from './stdio.ts';
import { definedMemory, WASM_PAGE } from './wasm-binary.ts';
import type { WorkerPool } from './worker-pool.ts';

/** One compiled-module cache for every runtime of the engine unless a runtime is given its own. */
const sharedModules = new ModuleCache();

export interface RuntimeOptions {
  /** The container's filesystem as processes see it (the working set on this thread). */
  fs: FsApi;
  pool: WorkerPool;
  modules?: ModuleCache;
  applets?: HostAppletRegistry;
  /** `-m`: bytes of linear memory each process may have. */
  memoryLimit?: number | null;
  /**
   * Pid 1 ignores signals it does not handle, as Linux treats a pid namespace's init
   * (a container); off for sandboxes that are not containers.
   */
  initIgnoresSignals?: boolean;
  /** Milliseconds since the epoch (a fixed clock in tests). */
  now?: () => number;
}

export interface SpawnOptions {
  /** argv[0] is found through PATH when it has no slash. */
  argv: string[];
  /** `NAME=value`; PWD is set to `cwd`. */
  env?: string[];
  /** Absolute path in the container. Default `/`. */
  cwd?: string;
  /** Default root. */
  cred?: Cred;
  /** Default 0o022. */
  umask?: number;
  /** The parent's pid; 0 for a container's first process. */
  ppid?: number;
  /** Default: end of stream at once (no `-i`). */
  stdin?: ByteReader;
  /** Default: discarded. */
  stdout?: ByteWriter;
  stderr?: ByteWriter;
  tty?: boolean;
}

type FdSpec =
  | { kind: 'stream'; id: number; entry: StreamEntry }
  | Extract<InheritedFd, { kind: 'file' }>
  | { kind: 'closed' };

interface StartOptions {
  argv: string[];
  env: string[];
  cwd: string;
  cred: Cred;
  umask: number;
  ppid: number;
}

function isShared(s: ByteReader | ByteWriter): boolean {
  const src = (s as { source?: ByteReader }).source ?? s;
  return typeof src.retain === 'function';
}

function envGet(env: readonly string[], name: string): string | undefined {
  const prefix = name + '=';
  for (let i = env.length - 1; i >= 0; i--) if (env[i]!.startsWith(prefix)) return env[i]!.slice(prefix.length);
  return undefined;
}

function withPwd(env: readonly string[], cwd: string): string[] {
  return [...env.filter((e) => !e.startsWith('PWD=')), `PWD=${cwd}`];
}

function basename(p: string): string {
  const parts = p.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

export class ProcessRuntime {
  readonly fs: FsApi;
  readonly table: ProcessTable;
  readonly memoryLimit: number | null;
  readonly initIgnoresSignals: boolean;
  private readonly pool: WorkerPool;
  private readonly modules: ModuleCache;
  private readonly applets: HostAppletRegistry;
  private readonly now: () => number;
  private readonly procs = new Map<number, Process>();
  /** Content digests of executables by inode version, so a warm start hashes nothing. */
  private readonly digests = new Map<string, string>();

  constructor(opts: RuntimeOptions) {
    this.fs = opts.fs;
    this.pool = opts.pool;
    this.modules = opts.modules ?? sharedModules;
    this.applets = opts.applets ?? defaultApplets;
    this.memoryLimit = opts.memoryLimit ?? null;
    this.initIgnoresSignals = opts.initIgnoresSignals ?? false;
    this.now = opts.now ?? (() => host().now());
    this.table = new ProcessTable(this.now());
  }

  /**
   * The /proc tree of this container, to mount in its filesystem:
   * `fs.mount('/proc', rt.procFs({ hostname: () => name }), { create: true })`.
   */
  procFs(o: { hostname: () => string; mounts?: () => string; memTotal?: () => number }): ProcFs {
    return new ProcFs({
      table: this.table, hostname: o.hostname, now: this.now,
      memTotal: o.memTotal ?? (() => this.memoryLimit ?? 2 ** 31),
      ...(o.mounts ? { mounts: o.mounts } : {}),
    });
  }

  /** Live processes, by pid. */
  processes(): ProcessInfo[] {
    return this.table.list();
  }

  process(pid: number): Process | undefined {
    return this.procs.get(pid);
  }

  /** Start a program. Throws `ExecError` (with `.status` 126/127) when it cannot start. */
  async spawn(o: SpawnOptions): Promise<Process> {
    if (!o.argv.length) throw new ExecError('ENOENT', '', 'exec: no command');
    const fds = this.stdioFds(o, o.tty ?? false);
    const cwd = o.cwd ?? '/';
    return this.holding(fds, () =>
      this.start(
        { argv: o.argv, env: withPwd(o.env ?? [], cwd), cwd, cred: o.cred ?? ROOT_CRED, umask: o.umask ?? 0o022, ppid: o.ppid ?? 0 },
        fds,
      ),
    );
  }

  /**
   * Take the process's references on shared streams now, before anything is awaited (as
   * fork duplicates fds at once), so the caller may close its own ends right after
   * calling; they are given back if the program does not start.
   */
  private async holding(fds: FdSpec[], start: () => Promise<Process>): Promise<Process> {
    const shared = fds.flatMap((f) => (f.kind === 'stream' && f.entry.shared ? [f.entry] : []));
    for (const e of shared) {
      e.reader?.retain();
      e.writer?.retain?.();
    }
    try {
      return await start();
    } catch (err) {
      for (const e of shared) {
        e.reader?.close();
        e.writer?.close();
      }
      throw err;
    }
  }

  private stdioFds(o: SpawnOptions, tty: boolean): FdSpec[] {
    const entry = (s: { reader?: BufferedReader; writer?: ByteWriter }, raw: ByteReader | ByteWriter | undefined): StreamEntry =>
      ({ ...s, tty, shared: raw ? isShared(raw) : false });
    return [
      { kind: 'stream', id: 0, entry: entry({ reader: buffered(o.stdin ?? EMPTY_READER) }, o.stdin) },
      { kind: 'stream', id: 1, entry: entry({ writer: o.stdout ?? NULL_WRITER }, o.stdout) },
      { kind: 'stream', id: 2, entry: entry({ writer: o.stderr ?? NULL_WRITER }, o.stderr) },
    ];
  }

  /**
   * Spawn and wait. A program that cannot start does what Docker and a shell do: its
   * message goes to stderr and the status is 127 or 126.
   */
  async run(o: SpawnOptions): Promise<ExitStatus> {
    try {
      return await (await this.spawn(o)).wait();
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      await (o.stderr ?? NULL_WRITER).write(new TextEncoder().encode(e.message + '\n')).catch(() => {});
      return { status: e.status, message: e.message };
    }
  }

  /**
   * Send a signal from outside the container (`docker kill`): always allowed. Returns
   * false when there is no such process.
   */
  kill(pid: number, sig: number = SIGTERM): boolean {
    const p = this.procs.get(pid);
    if (!p) return false;
    this.signal(p, sig);
    return true;
  }

  /** Signal every process (container stop). */
  killAll(sig: number = SIGKILL): void {
    for (const p of [...this.procs.values()]) this.signal(p, sig);
  }

  /** @internal Deliver a signal with its default action (or the applet's handler). */
  signal(p: Process, sig: number): void {
    if (p.done || sig === 0) return;
    // A namespace's init has no default actions: a terminating signal reaches pid 1 only
    // when it handles it (SIGKILL always does), as in a Docker container.
    const initIgnores = p.pid === 1 && sig !== SIGKILL && this.initIgnoresSignals && defaultAction(sig) === 'terminate';
    if (p.info.kind === 'host' && p.signalHandler && sig !== SIGKILL) {
      if (!initIgnores || p.handlesSignal?.(sig)) p.signalHandler(sig);
      return;
    }
    switch (defaultAction(sig)) {
      case 'ignore':
        return;
      case 'continue':
        p.cont();
        return;
      case 'stop':
        if (p.info.kind === 'wasm') p.stop();
        return;
      case 'terminate':
        if (initIgnores) return;
        if (p.worker) this.pool.discard(p.worker);
        p.worker = null;
        this.finish(p, { status: 128 + sig, signal: sig });
    }
  }

  private finish(p: Process, exit: ExitStatus): void {
    if (p.done) return;
    p.done = true;
    stopRunning(p.info);
    p.cont();
    p.info.state = 'Z';
    p.info.exit = exit;
    for (const e of p.streams.values()) {
      if (!e.shared) continue;
      e.reader?.close();
      e.writer?.close();
    }
    for (const [ino, n] of p.opened) {
      for (let i = 0; i < n; i++) {
        try {
          this.fs.close(ino);
        } catch {
          // already gone
        }
      }
    }
    p.opened.clear();
    this.procs.delete(p.pid);
    this.table.remove(p.pid);
    p.settle(exit);
  }

  private digestOf(ino: Ino, bytes: () => Uint8Array): string {
    const fsd = this.fs.contentDigest?.(ino);
    if (fsd) return fsd;
    const st = this.fs.stat(ino);
    const key = `${ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    let d = this.digests.get(key);
    if (!d) {
      const h = host().sha256();
      h.update(bytes());
      d = h.digest();
      this.digests.set(key, d);
    }
    return d;
  }

  private async start(o: StartOptions, fds: FdSpec[]): Promise<Process> {
    const resolved: ResolvedProgram = resolveProgram(this.fs, o.cred, o.argv, o.cwd, envGet(o.env, 'PATH'));
    let data: Uint8Array | null = null;
    const bytes = (): Uint8Array => (data ??= this.fs.read(resolved.ino, 0, this.fs.stat(resolved.ino).size));
    return this.launch({ ...o, argv: resolved.argv }, fds, resolved.path, this.digestOf(resolved.ino, bytes), bytes);
  }

  /**
   * Run the given module bytes as a process, without looking for a program in the
   * container (tools and conformance suites). The environment is taken as it is (no
   * PWD added); the module still sees only the container's filesystem.
   */
  async spawnModule(module: Uint8Array, o: SpawnOptions): Promise<Process> {
    const h = host().sha256();
    h.update(module);
    const tty = o.tty ?? false;
    const fds = this.stdioFds(o, tty);
    const cwd = o.cwd ?? '/';
    return this.holding(fds, () =>
      this.launch(
        { argv: o.argv, env: o.env ?? [], cwd, cred: o.cred ?? ROOT_CRED, umask: o.umask ?? 0o022, ppid: o.ppid ?? 0 },
        fds, o.argv[0] ?? 'module', h.digest(), () => module,
      ),
    );
  }

  private async launch(o: StartOptions, fds: FdSpec[], path: string, digest: string, bytes: () => Uint8Array): Promise<Process> {
    const maxPages = this.memoryLimit === null ? undefined : Math.max(1, Math.floor(this.memoryLimit / WASM_PAGE));
    const compiled = await this.modules.get(digest, bytes, path, maxPages);
    const name = basename(o.argv[0] ?? '');
    const applet = compiled && compiled.applets.includes(name) ? this.applets.get(name) : undefined;

    const info = this.table.add({
      ppid: o.ppid, argv: o.argv, env: o.env, cwd: o.cwd, cred: o.cred, umask: o.umask, startTime: this.now(),
      kind: applet ? 'host' : 'wasm', exe: path,
    });
    const cred: Cred = { ...o.cred, pid: info.pid };
    info.cred = cred;
    const p = new Process(this, info, o.umask);
    this.procs.set(info.pid, p);
    for (const f of fds) if (f.kind === 'stream') p.streams.set(f.id, f.entry);

    if (!compiled) {
      const need = definedMemory(bytes())?.min ?? 0;
      this.finish(p, {
        status: 137, signal: SIGKILL, oom: true,
        message: `out of memory: ${path} needs ${need * WASM_PAGE} bytes to start, limit ${this.memoryLimit}`,
      });
      return p;
    }
    if (applet) this.runApplet(p, applet, fds, o);
    else this.runWasm(p, compiled.module, maxPages === undefined ? digest : `${digest}@${maxPages}`, fds, o);
    return p;
  }

  private runWasm(p: Process, module: WasmModule, moduleKey: string, fds: FdSpec[], o: StartOptions): void {
    const stdio = fds.map((f): InheritedFd =>
      f.kind === 'stream' ? { kind: 'stream', stream: { id: f.id, tty: f.entry.tty } } : f,
    ) as RunJob['stdio'];
    const f0 = fds[0];
    const f1 = fds[1];
    const terminal =
      f0?.kind === 'stream' && f0.entry.tty && f1?.kind === 'stream' && f1.entry.tty ? { input: f0.id, output: f1.id } : undefined;
    const worker = this.pool.acquire();
    p.worker = worker;
    p.server = new SabServer(worker.sab);
    worker.listen(
      (m: FromWorker) => this.onWorkerMessage(p, m),
      (err) => {
        if (p.worker) this.pool.discard(p.worker);
        p.worker = null;
        this.finish(p, { status: 134, signal: 6, message: `worker failed: ${err.message}` });
      },
    );
    p.info.runningSince = performance.now();
    worker.handle.post({
      t: 'run',
      job: {
        ...(worker.modules.touch(moduleKey) ? {} : { module }), moduleKey, argv: p.info.argv as string[], env: o.env, cred: p.info.cred, umask: o.umask, pid: p.pid, ppid: o.ppid,
        stdio, ...(terminal ? { terminal } : {}), sab: worker.sab, memoryLimit: this.memoryLimit,
      },
    });
  }

  private onWorkerMessage(p: Process, m: FromWorker): void {
    if (p.done) return;
    switch (m.t) {
      case 'call':
        p.info.memoryBytes = m.mem;
        stopRunning(p.info);
        void this.dispatch(p, m);
        return;
      case 'more':
        p.server?.more();
        return;
      case 'idle':
        // It runs again once the sleep is over (a stretch that starts in the future).
        p.info.memoryBytes = m.mem;
        stopRunning(p.info);
        p.info.runningSince = performance.now() + m.ms;
        return;
      case 'exit':
        this.onExit(p, m);
    }
  }

  private onExit(p: Process, m: ExitMessage): void {
    stopRunning(p.info);
    p.positions = m.positions;
    const w = p.worker;
    p.worker = null;
    if (w) this.pool.release(w);
    const exit: ExitStatus = { status: m.status };
    if (m.signal !== undefined) exit.signal = m.signal;
    if (m.oom) exit.oom = true;
    if (m.message !== undefined) exit.message = m.message;
    this.finish(p, exit);
  }

  private async dispatch(p: Process, m: CallMessage): Promise<void> {
    const hold = p.whileStopped();
    if (hold) await hold;
    let answer;
    try {
      answer = encodeValue(await this.handle(p, m.op, m.args));
    } catch (e) {
      if (e instanceof BrokenPipeError) {
        // Writing to a pipe nobody reads: SIGPIPE, whose default action ends the writer.
        this.signal(p, SIGPIPE);
        return;
      }
      answer = encodeError(e);
    }
    // A process stopped meanwhile gets its answer when it is continued.
    const stopped = p.whileStopped();
    if (stopped) await stopped;
    if (p.done) return;
    if (p.info.state === 'S') p.info.state = 'R';
    p.info.runningSince = performance.now();
    p.server!.answer(answer);
  }

  private async handle(p: Process, op: SyscallOp, args: unknown[]): Promise<unknown> {
    switch (op) {
      case 'fs':
        return this.fsCall(p, args);
      case 'read': {
        const [id, max] = args as [number, number];
        const e = p.streams.get(id);
        if (!e?.reader) throw Object.assign(new Error(`stream ${id} is not readable`), { code: 'EBADF' });
        if (!e.reader.readable) p.info.state = 'S';
        return e.reader.readUpTo(max);
      }
      case 'write': {
        const [id, data] = args as [number, Uint8Array];
        const e = p.streams.get(id);
        if (!e?.writer) throw Object.assign(new Error(`stream ${id} is not writable`), { code: 'EBADF' });
        await e.writer.write(data);
        return null;
      }
      case 'poll':
        return this.poll(p, args[0] as number[], args[1] as number | null);
      case 'kill':
        return this.killFrom(p, args[0] as number, args[1] as number);
      case 'spawn':
        return this.spawnFrom(p, args[0] as SpawnRequest);
      case 'statfs':
        return this.statfs(args[0] as Ino);
    }
  }

  private fsCall(p: Process, args: unknown[]): unknown {
    const [method, ...rest] = args as [string, ...unknown[]];
    if (!(REMOTE_FS_METHODS as readonly string[]).includes(method)) {
      throw Object.assign(new Error(`no filesystem call ${method}`), { code: 'ENOSYS' });
    }
    // The caller's credentials are the process's, whatever the worker sent.
    if (CRED_FIRST.has(method)) rest[0] = p.info.cred;
    const result = (this.fs as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...rest);
    if (method === 'open') p.opened.set(result as Ino, (p.opened.get(result as Ino) ?? 0) + 1);
    if (method === 'close') {
      const n = (p.opened.get(rest[0] as Ino) ?? 0) - 1;
      if (n > 0) p.opened.set(rest[0] as Ino, n);
      else p.opened.delete(rest[0] as Ino);
    }
    return result;
  }

  private async poll(p: Process, ids: number[], timeoutMs: number | null): Promise<number[]> {
    const readers = ids.map((id) => [id, p.streams.get(id)?.reader] as const);
    const ready = (): number[] => readers.filter(([, r]) => !r || r.readable).map(([id]) => id);
    let now = ready();
    if (now.length || timeoutMs === 0) return now;
    p.info.state = 'S';
    await Promise.race(readers.map(([, r]) => r!.waitReadable(timeoutMs)));
    now = ready();
    return now;
  }

  private killFrom(sender: Process, pid: number, sig: number): number {
    const allowed = (t: Process): boolean => sender.info.cred.uid === 0 || sender.info.cred.uid === t.info.cred.uid;
    let targets: Process[];
    if (pid > 0) {
      const t = this.procs.get(pid);
      if (!t) return E.SRCH;
      targets = [t];
    } else if (pid === 0) {
      // One process group per container.
      targets = [...this.procs.values()];
    } else if (pid === -1) {
      targets = [...this.procs.values()].filter((t) => t.pid !== 1 && t !== sender);
    } else {
      const t = this.procs.get(-pid);
      if (!t) return E.SRCH;
      targets = [t];
    }
    const ok = targets.filter(allowed);
    if (!ok.length) return targets.length ? E.PERM : E.SRCH;
    // Others first, the sender last: ending itself ends this call.
    for (const t of ok.filter((t) => t !== sender)) this.signal(t, sig);
    if (ok.includes(sender)) this.signal(sender, sig);
    return E.SUCCESS;
  }

  private async spawnFrom(parent: Process, req: SpawnRequest): Promise<SpawnResult> {
    const fds: FdSpec[] = req.fds.map((f): FdSpec => {
      if (f.kind !== 'stream') return f;
      const entry = parent.streams.get(f.stream.id);
      return entry ? { kind: 'stream', id: f.stream.id, entry } : { kind: 'closed' };
    });
    let child: Process;
    try {
      child = await this.holding(fds, () =>
        this.start(
          { argv: req.argv, env: req.env ?? (parent.info.env as string[]), cwd: req.cwd, cred: stripPid(parent.info.cred), umask: req.umask, ppid: parent.pid },
          fds,
        ),
      );
    } catch (e) {
      if (e instanceof ExecError) return { ok: false, errno: errnoFromName(e.code) };
      throw e;
    }
    parent.info.state = 'S';
    const exit = await child.wait();
    return { ok: true, status: exit.status, positions: child.positions };
  }

  private statfs(ino: Ino): StatFs {
    return this.fs.statfs?.(ino) ?? { blockSize: 1024, blocks: 64 * 1024 * 1024, blocksFree: 64 * 1024 * 1024, files: 4194304, filesFree: 4194304 };
  }

  private runApplet(p: Process, applet: (ctx: HostAppletContext) => Promise<number>, fds: FdSpec[], o: StartOptions): void {
    const files: Array<FileReader | FileWriter | null> = [null, null, null];
    const reader = (f: FdSpec | undefined): ByteReader => {
      if (f?.kind === 'stream') return f.entry.reader ?? EMPTY_READER;
      if (f?.kind === 'file' && f.readable) return (files[0] = new FileReader(this.fs, f.ino, f.position));
      return EMPTY_READER;
    };
    const writer = (f: FdSpec | undefined, n: number): ByteWriter => {
      if (f?.kind === 'stream') return f.entry.writer ?? NULL_WRITER;
      if (f?.kind === 'file' && f.writable) return (files[n] = new FileWriter(this.fs, f.ino, f.position, f.append));
      return NULL_WRITER;
    };
    const tty = fds.some((f) => f.kind === 'stream' && f.entry.tty);
    const ctx: HostAppletContext = {
      argv: [...p.info.argv], env: [...o.env], cwd: o.cwd,
      stdin: reader(fds[0]), stdout: writer(fds[1], 1), stderr: writer(fds[2], 2), tty,
      pid: p.pid, ppid: o.ppid, cred: p.info.cred, umask: o.umask, fs: this.fs, runtime: this,
      onSignal: (h, handles) => {
        p.signalHandler = h;
        p.handlesSignal = handles ?? null;
      },
    };
    const done = (exit: ExitStatus): void => {
      p.positions = files.map((f) => f?.position ?? null);
      this.finish(p, exit);
    };
    Promise.resolve()
      .then(() => applet(ctx))
      .then(
        (status) => done({ status: status & 0xff }),
        async (err: unknown) => {
          const message = `${basename(p.info.argv[0]!)}: ${err instanceof Error ? err.message : String(err)}`;
          await ctx.stderr.write(new TextEncoder().encode(message + '\n')).catch(() => {});
          done({ status: 2, message });
        },
      );
  }
}

const CRED_FIRST = new Set(['lookup', 'open', 'readdir', 'mkdir', 'mknod', 'symlink', 'readlink', 'link', 'unlink', 'rmdir', 'rename', 'setattr', 'access']);

function stripPid(c: Cred): Cred {
  const { pid: _pid, ...rest } = c;
  return rest;
}
