/**
 * A ShellHost over the real machine, for tests: processes are native busybox applets
 * (`busybox <applet> args`, found before PATH as busybox's own standalone shell does)
 * or other programs found on PATH, started with node:child_process; the file system is
 * node:fs; every stream is a real file descriptor — pipes are FIFOs ('concurrent') or
 * FIFOs drained into unlinked files ('sequential') — so child processes share offsets
 * and buffering exactly as under a C shell. `sh` (and #!/bin/sh scripts) run
 * layerbox's own shell in-process.
 */
import { spawn as spawnChild, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  BrokenPipeError,
  FsError,
  SpawnError,
  type Errno,
  type FileStat,
  type OpenFile,
  type OpenMode,
  type Pipe,
  type ProcessHandle,
  type Reader,
  type ShellFs,
  type ShellHost,
  type SpawnOptions,
  type Writer,
} from '../../../shared/shell/host.ts';
import { runShell } from '../../../shared/shell/run.ts';
import { SEQUENTIAL_PIPE_LIMIT } from '../../../shared/shell/host.ts';

/** busybox as installed here (busybox-static, else the dynamic one). */
export const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p)) ?? '/bin/busybox';
let applets: Set<string> | null = null;
function isApplet(name: string): boolean {
  applets ??= new Set(execFileSync(BUSYBOX, ['--list']).toString().split('\n').filter(Boolean));
  return applets.has(name);
}
const closedReader: Reader = { read: async () => null, close: async () => {} };
const closedWriter: Writer = { write: async () => {}, close: async () => {} };

const fsOpen = promisify(fs.open);
const fsClose = promisify(fs.close);

/**
 * Reads and writes on pipes block until the other side acts. Done on libuv's thread
 * pool (4 threads) they deadlock as soon as four of them wait at once (nested $(...)
 * does that), so every descriptor operation runs synchronously in a worker thread
 * taken from a pool that grows as needed.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (m) => {
  try {
    if (m.op === 'read') {
      const buf = Buffer.alloc(m.len);
      const n = fs.readSync(m.fd, buf, 0, m.len, null);
      const out = new Uint8Array(n);
      out.set(buf.subarray(0, n));
      parentPort.postMessage({ n, data: out }, [out.buffer]);
    } else {
      const b = m.data;
      let off = 0;
      while (off < b.length) off += fs.writeSync(m.fd, b, off, b.length - off, null);
      parentPort.postMessage({ n: off });
    }
  } catch (e) {
    parentPort.postMessage({ error: e.code || String(e) });
  }
});
`;

class IoPool {
  private idle: Worker[] = [];
  private all = new Set<Worker>();

  private take(): Worker {
    const w = this.idle.pop();
    if (w) return w;
    const nw = new Worker(WORKER_SOURCE, { eval: true });
    nw.unref();
    this.all.add(nw);
    return nw;
  }

  run(msg: { op: 'read' | 'write'; fd: number; len?: number; data?: Uint8Array }): Promise<{ n: number; data?: Uint8Array }> {
    const w = this.take();
    return new Promise((resolve, reject) => {
      w.once('message', (r: { n: number; data?: Uint8Array; error?: string }) => {
        this.idle.push(w);
        if (r.error) reject(Object.assign(new Error(r.error), { code: r.error }));
        else resolve(r);
      });
      w.postMessage(msg);
    });
  }
}
const io = new IoPool();

async function fsRead(fd: number, len: number): Promise<Uint8Array> {
  return (await io.run({ op: 'read', fd, len })).data!;
}
async function fsWrite(fd: number, buf: Uint8Array, off: number, len: number): Promise<number> {
  return (await io.run({ op: 'write', fd, data: buf.slice(off, off + len) })).n;
}

const KNOWN: Errno[] = ['ENOENT', 'EACCES', 'EEXIST', 'EISDIR', 'ENOTDIR', 'ELOOP', 'EROFS', 'ENOSPC', 'EIO', 'EINVAL'];
function fsError(e: unknown, path: string): FsError {
  const code = (e as NodeJS.ErrnoException).code as Errno;
  return new FsError(KNOWN.includes(code) ? code : 'EIO', path);
}

/** A stream over a file descriptor this host owns. */
export class FdStream implements OpenFile {
  private closed = false;
  /** Resolves when the descriptor's contents are complete (a drained sequential pipe). */
  ready: Promise<void> = Promise.resolve();
  constructor(readonly fd: number) {}
  async read(max?: number): Promise<Uint8Array | null> {
    await this.ready;
    let data: Uint8Array;
    try {
      data = await fsRead(this.fd, Math.min(max ?? 65536, 65536));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw e;
    }
    return data.length === 0 ? null : data;
  }
  async write(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += await fsWrite(this.fd, bytes, off, bytes.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw new BrokenPipeError();
        throw e;
      }
    }
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await fsClose(this.fd).catch(() => {});
  }
}

function toStat(st: fs.Stats): FileStat {
  const type = st.isFile()
    ? 'file'
    : st.isDirectory()
      ? 'directory'
      : st.isSymbolicLink()
        ? 'symlink'
        : st.isFIFO()
          ? 'fifo'
          : st.isCharacterDevice()
            ? 'char'
            : st.isBlockDevice()
              ? 'block'
              : st.isSocket()
                ? 'socket'
                : 'other';
  return { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size, mtimeMs: st.mtimeMs, id: `${st.dev}:${st.ino}` };
}

export class NodeFs implements ShellFs {
  async stat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await fs.promises.stat(path));
    } catch {
      return null;
    }
  }
  async lstat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await fs.promises.lstat(path));
    } catch {
      return null;
    }
  }
  async readdir(path: string): Promise<string[]> {
    try {
      return await fs.promises.readdir(path);
    } catch (e) {
      throw fsError(e, path);
    }
  }
  async open(path: string, mode: OpenMode, options: { exclusive?: boolean; perm?: number } = {}): Promise<OpenFile> {
    const C = fs.constants;
    let flags: number;
    if (mode === 'r') flags = C.O_RDONLY;
    else if (mode === 'w') flags = C.O_WRONLY | C.O_CREAT | C.O_TRUNC;
    else if (mode === 'a') flags = C.O_WRONLY | C.O_CREAT | C.O_APPEND;
    else flags = C.O_RDWR | C.O_CREAT;
    if (options.exclusive) flags |= C.O_EXCL;
    try {
      return new FdStream(await fsOpen(path, flags, options.perm ?? 0o666));
    } catch (e) {
      throw fsError(e, path);
    }
  }
  async access(path: string, mode: number): Promise<boolean> {
    try {
      await fs.promises.access(path, mode);
      return true;
    } catch {
      return false;
    }
  }
  async realpath(path: string): Promise<string> {
    try {
      return await fs.promises.realpath(path);
    } catch (e) {
      throw fsError(e, path);
    }
  }
}

export interface NodeHostOptions {
  pipeMode: 'concurrent' | 'sequential';
  /** A private directory for FIFOs and pipe buffers. */
  scratchDir: string;
}

const signalNames = Object.fromEntries(Object.entries(osConstants.signals).map(([k, v]) => [v, k])) as Record<number, NodeJS.Signals>;

export class NodeHost implements ShellHost {
  readonly fs = new NodeFs();
  readonly pipeMode: 'concurrent' | 'sequential';
  private readonly scratch: string;
  private fifos: string[] = [];
  private seq = 0;
  private nextPid = 100000;
  private readonly children = new Map<number, ChildProcess>();
  private readonly shells = new Map<number, ProcessHandle>();

  constructor(opts: NodeHostOptions) {
    this.pipeMode = opts.pipeMode;
    this.scratch = opts.scratchDir;
    fs.mkdirSync(this.scratch, { recursive: true });
  }

  allocatePid(): number {
    return this.nextPid++;
  }

  kill(pid: number, signal: number): boolean {
    const sh = this.shells.get(pid);
    if (sh) {
      sh.kill(signal);
      return true;
    }
    const child = this.children.get(pid);
    if (child) {
      killGroup(child, signal);
      return true;
    }
    return false;
  }

  async pipe(): Promise<Pipe> {
    const fifo = await this.fifo();
    if (this.pipeMode === 'concurrent') return fifo;
    // Sequential: drain the FIFO into an unlinked file, which the next stage reads
    // once the writer is done. Past the limit the FIFO is closed, so the producer
    // gets SIGPIPE, as a sequential host's bounded buffer would do.
    const path = join(this.scratch, `buf${this.seq++}`);
    const file = await fsOpen(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o600);
    const reader = new FdStream(await fsOpen(path, fs.constants.O_RDONLY));
    fs.unlinkSync(path);
    const src = fifo.reader as FdStream;
    reader.ready = (async () => {
      let total = 0;
      for (;;) {
        const data = await fsRead(src.fd, 65536).catch(() => new Uint8Array(0));
        if (data.length === 0) break;
        total += data.length;
        if (total > SEQUENTIAL_PIPE_LIMIT) break;
        await fsWrite(file, data, 0, data.length);
      }
      await src.close();
      await fsClose(file).catch(() => {});
    })();
    return { reader, writer: fifo.writer };
  }

  private async fifo(): Promise<Pipe> {
    if (!this.fifos.length) {
      // Creating FIFOs costs a process; make them in batches.
      const names = Array.from({ length: 64 }, () => join(this.scratch, `fifo${this.seq++}`));
      execFileSync(BUSYBOX, ['mkfifo', ...names]);
      this.fifos = names;
    }
    const path = this.fifos.pop()!;
    // Opening either end of a FIFO waits for the other: open both at once.
    const [r, w] = await Promise.all([fsOpen(path, fs.constants.O_RDONLY), fsOpen(path, fs.constants.O_WRONLY)]);
    fs.unlinkSync(path);
    return { reader: new FdStream(r), writer: new FdStream(w) };
  }

  /** Kills everything still running. */
  dispose(): void {
    for (const c of this.children.values()) killGroup(c, 9);
    for (const s of this.shells.values()) s.kill(9);
    this.children.clear();
    for (const f of this.fifos) fs.rmSync(f, { force: true });
    this.fifos = [];
  }

  get running(): number {
    return this.children.size + this.shells.size;
  }

  private resolve(argv0: string, env: Record<string, string>, cwd: string): string {
    const check = (p: string): 'ok' | 'missing' | 'noexec' => {
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        return 'missing';
      }
      if (!st.isFile()) return 'noexec';
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return 'ok';
      } catch {
        return 'noexec';
      }
    };
    if (argv0.includes('/')) {
      const p = resolve(cwd, argv0);
      const r = check(p);
      if (r === 'ok') return p;
      throw new SpawnError(argv0, r === 'missing' ? 'not-found' : 'not-executable');
    }
    let denied = false;
    for (const dir of (env.PATH ?? '').split(':')) {
      const p = resolve(cwd, dir || '.', argv0);
      const r = check(p);
      if (r === 'ok') return p;
      if (r === 'noexec' && fs.existsSync(p) && fs.statSync(p).isFile()) denied = true;
    }
    throw new SpawnError(argv0, denied ? 'not-executable' : 'not-found');
  }

  async spawn(opts: SpawnOptions): Promise<ProcessHandle> {
    const name = opts.argv[0]!;
    for (const s of [opts.stdin, opts.stdout, opts.stderr]) if (s instanceof FdStream) await s.ready;
    // layerbox's shell stands in for sh, as it does in a container.
    if (name === 'sh') return this.startShell(opts.argv, opts);
    const applet = !name.includes('/') && isApplet(name);
    const path = applet ? BUSYBOX : this.resolve(name, opts.env, opts.cwd);
    if (basename(path) === 'sh') return this.startShell(opts.argv, opts);
    const shebang = applet ? null : readShebang(path);
    if (shebang && basename(shebang[0]!) === 'sh') return this.startShell([shebang[0]!, ...shebang.slice(1), name, ...opts.argv.slice(1)], opts);
    const stdio = [streamArg(opts.stdin), streamArg(opts.stdout), streamArg(opts.stderr)];
    let file = path;
    let args = applet ? [name, ...opts.argv.slice(1)] : opts.argv.slice(1);
    let argv0 = applet ? BUSYBOX : name;
    const closed = stdio.map((x, fd) => (x === 'ignore' ? `${fd}${fd ? '>' : '<'}&-` : '')).filter(Boolean);
    if (closed.length) {
      // Node cannot start a process with a descriptor closed: let busybox's sh close it and exec.
      args = ['-c', `exec "$0" "$@" ${closed.join(' ')}`, path, ...args];
      file = BUSYBOX;
      argv0 = 'sh';
    }
    const child = spawnChild(file, args, { argv0, cwd: opts.cwd, env: opts.env, stdio, detached: true });
    const pid = child.pid ?? this.allocatePid();
    this.children.set(pid, child);
    const pumps: Promise<void>[] = [];
    if (stdio[0] === 'pipe' && child.stdin) pumps.push(pumpIn(opts.stdin!, child.stdin));
    if (stdio[1] === 'pipe' && child.stdout) pumps.push(pumpOut(child.stdout, opts.stdout!));
    if (stdio[2] === 'pipe' && child.stderr) pumps.push(pumpOut(child.stderr, opts.stderr!));
    let signal: number | null = null;
    const exited = new Promise<number>((res) => {
      child.on('error', () => res(127));
      child.on('exit', (code, sig) => {
        if (sig) {
          signal = osConstants.signals[sig];
          res(128 + signal);
        } else res(code ?? 0);
      });
    });
    const done = exited.then(async (s) => {
      await Promise.all(pumps);
      this.children.delete(pid);
      return s;
    });
    return {
      pid,
      wait: () => done,
      kill: (sig: number) => killGroup(child, sig),
      get signal() {
        return signal;
      },
    };
  }

  private startShell(argv: string[], opts: SpawnOptions): ProcessHandle {
    const pid = this.allocatePid();
    const p = runShell(this, argv, { env: opts.env, cwd: opts.cwd, stdin: opts.stdin ?? closedReader, stdout: opts.stdout ?? closedWriter, stderr: opts.stderr ?? closedWriter, pid, umask: opts.umask });
    this.shells.set(pid, p);
    const done = p.wait().finally(() => this.shells.delete(pid));
    return { pid, wait: () => done, kill: (s) => p.kill(s), get signal() {
      return p.signal;
    } };
  }
}

function killGroup(child: ChildProcess, sig: number): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signalNames[sig] ?? sig);
  } catch {
    try {
      child.kill(signalNames[sig] ?? sig);
    } catch {
      // already gone
    }
  }
}

function readShebang(path: string): string[] | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, 'r');
    const buf = Buffer.alloc(128);
    const n = fs.readSync(fd, buf, 0, 128, 0);
    const text = buf.subarray(0, n).toString('latin1');
    if (!text.startsWith('#!')) return null;
    return text.slice(2).split('\n')[0]!.trim().split(/[ \t]+/).filter(Boolean);
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function streamArg(s: Reader | Writer | null): 'pipe' | 'ignore' | number {
  if (s === null) return 'ignore';
  return s instanceof FdStream ? s.fd : 'pipe';
}

async function pumpIn(r: Reader, w: NodeJS.WritableStream): Promise<void> {
  try {
    for (;;) {
      const b = await r.read();
      if (b === null) break;
      if (!w.write(b)) await new Promise((res) => w.once('drain', res));
    }
  } catch {
    // the process stopped reading
  }
  w.end();
}

function pumpOut(r: NodeJS.ReadableStream, w: Writer): Promise<void> {
  return new Promise((res) => {
    let chain = Promise.resolve();
    r.on('data', (chunk: Buffer) => {
      r.pause();
      chain = chain.then(() => w.write(new Uint8Array(chunk))).catch(() => {}).then(() => void r.resume());
    });
    r.on('end', () => void chain.then(() => res()));
    r.on('error', () => res());
  });
}
