import { FsError as VfsFsError } from '../unionfs/fs-error.ts';
import { host } from '../host.ts';
import { deviceKind, type DeviceKind } from '../wasi/device-fd.ts';
import { ExecError } from '../process/exec-error.ts';
import type { HostAppletContext } from '../process/host-applets.ts';
import { pipe as processPipe } from '../process/pipe.ts';
import { BufferedReader, buffered } from '../process/buffered-reader.ts';
import { BrokenPipeError as ProcessBrokenPipe, EMPTY_READER, NULL_WRITER, type ByteReader, type ByteWriter } from '../process/stdio.ts';
import { ROOT_INO, type Cred, type FsApi, type Ino, type Stat } from '../vfs/fs-api.ts';
import { signalName as shellSignalName } from '../shell/signals.ts';
import { MissingContentError } from '../vfs/source.ts';
import {
  BrokenPipeError,
  FsError,
  SpawnError,
  runShell,
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
} from '../shell/index.ts';

/**
 * The core's shell as the `sh` of a container: a host applet (see process/host-applets)
 * whose processes, pipes and files are the container's. The shell speaks its own small
 * host interface; this file is the adapter between it and the process runtime.
 */
export async function shellApplet(ctx: HostAppletContext): Promise<number> {
  const host = new ContainerShellHost(ctx);
  const env: Record<string, string> = {};
  for (const kv of ctx.env) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const sh = runShell(host, ctx.argv, {
    env,
    cwd: ctx.cwd,
    stdin: new ReaderAdapter(buffered(ctx.stdin)),
    stdout: new WriterAdapter(ctx.stdout),
    stderr: new WriterAdapter(ctx.stderr),
    pid: ctx.pid,
    ppid: ctx.ppid,
    umask: ctx.umask,
    terminal: ctx.tty,
    uid: ctx.cred.uid,
  });
  // The shell handles a signal it traps; as pid 1 of a container it gets only those.
  ctx.onSignal(
    (sig) => sh.kill(sig),
    (sig) => sh.shell.traps.has(shellSignalName(sig) ?? ''),
  );
  return sh.wait();
}

const CODES: ReadonlySet<string> = new Set<Errno>(['ENOENT', 'EACCES', 'EEXIST', 'EISDIR', 'ENOTDIR', 'ELOOP', 'EROFS', 'ENOSPC', 'EIO', 'EINVAL']);

/** The container filesystem's errors in the shell's terms. */
function shellError(e: unknown, path: string): unknown {
  if (e instanceof VfsFsError) {
    const code = e.code === 'EPERM' ? 'EACCES' : CODES.has(e.code) ? (e.code as Errno) : 'EINVAL';
    return new FsError(code, path);
  }
  if (e instanceof MissingContentError) return new FsError('EIO', path);
  return e;
}

/** A process stream seen by the shell: reads of at most `max` bytes from the shared buffer. */
class ReaderAdapter implements Reader {
  constructor(readonly source: BufferedReader) {}
  read(max?: number): Promise<Uint8Array | null> {
    return this.source.readUpTo(max ?? Number.MAX_SAFE_INTEGER);
  }
  async close(): Promise<void> {
    this.source.close();
  }
}

class WriterAdapter implements Writer {
  constructor(readonly source: ByteWriter) {}
  async write(bytes: Uint8Array): Promise<void> {
    try {
      await this.source.write(bytes);
    } catch (e) {
      if (e instanceof ProcessBrokenPipe) throw new BrokenPipeError();
      throw e;
    }
  }
  async close(): Promise<void> {
    this.source.close();
  }
}

/** A file opened by a redirection: one position shared by the shell and the children it is passed to. */
class FileHandle implements OpenFile, ByteReader, ByteWriter {
  private open = true;
  constructor(
    private readonly fs: FsApi,
    private readonly ino: Ino,
    private readonly cred: Cred,
    private position: number,
    private readonly append: boolean,
  ) {}
  async read(max = 65536): Promise<Uint8Array | null> {
    const b = this.fs.read(this.ino, this.position, Math.min(max, 65536));
    if (b.length === 0) return null;
    this.position += b.length;
    return b;
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (this.append) this.position = this.fs.stat(this.ino).size;
    this.position += this.fs.write(this.ino, this.position, bytes, this.cred);
  }
  close(): Promise<void> {
    if (this.open) {
      this.open = false;
      this.fs.close(this.ino);
    }
    return Promise.resolve();
  }
}

/**
 * A character device opened by a redirection (`> /dev/null`, `< /dev/zero`): the same
 * behaviour the WASI layer gives programs (wasi/device-fd.ts).
 */
class DeviceHandle implements OpenFile, ByteReader, ByteWriter {
  constructor(
    private readonly kind: DeviceKind,
    private readonly terminal: ByteWriter | undefined,
  ) {}
  async read(max = 65536): Promise<Uint8Array | null> {
    if (this.kind === 'null' || this.kind === 'tty') return null;
    const n = Math.min(max, 65536);
    return this.kind === 'random' ? host().randomBytes(n) : new Uint8Array(n);
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (this.kind === 'full') throw new FsError('ENOSPC', '/dev/full');
    if (this.kind === 'tty') {
      if (!this.terminal) throw new FsError('EIO', '/dev/tty');
      await this.terminal.write(bytes);
    }
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function fileStat(s: Stat): FileStat {
  return {
    type: s.type === 'dir' ? 'directory' : s.type,
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    mtimeMs: Number(s.mtimeNs / 1_000_000n),
    id: String(s.ino),
  };
}

class ContainerShellHost implements ShellHost {
  readonly pipeMode = 'concurrent' as const;
  readonly fs: ShellFs;

  constructor(private readonly ctx: HostAppletContext) {
    this.fs = new ContainerShellFs(ctx.fs, ctx.cred, ctx.tty ? ctx.stdout : undefined);
  }

  /** Shell-side streams go to processes as the runtime's own (so pipes keep their reference counts). */
  private unwrapReader(r: Reader | null): ByteReader {
    if (!r) return EMPTY_READER;
    if (r instanceof ReaderAdapter) return r.source;
    if (r instanceof FileHandle || r instanceof DeviceHandle) return r;
    return { read: () => r.read(), close: () => void r.close() };
  }

  private unwrapWriter(w: Writer | null): ByteWriter {
    if (!w) return NULL_WRITER;
    if (w instanceof WriterAdapter) return w.source;
    if (w instanceof FileHandle || w instanceof DeviceHandle) return w;
    return { write: (b) => w.write(b), close: () => void w.close() };
  }

  async spawn(o: SpawnOptions): Promise<ProcessHandle> {
    const env = Object.entries(o.env).map(([k, v]) => `${k}=${v}`);
    const common = {
      env,
      cwd: o.cwd,
      cred: this.ctx.cred,
      umask: o.umask ?? this.ctx.umask,
      ppid: this.ctx.pid,
      stdin: this.unwrapReader(o.stdin),
      stdout: this.unwrapWriter(o.stdout),
      stderr: this.unwrapWriter(o.stderr),
      tty: this.ctx.tty,
    };
    let p;
    try {
      p = await this.ctx.runtime.spawn({ argv: o.argv, ...common });
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      if (e.code === 'ENOEXEC' && o.argv[0]?.includes('/') && this.isText(o.cwd, o.argv[0])) {
        // POSIX: a file the system cannot execute is a script for this shell.
        p = await this.ctx.runtime.spawn({ argv: ['sh', ...o.argv], ...common });
      } else if (e.code === 'ENOENT') throw new SpawnError(o.argv[0] ?? '', 'not-found');
      else if (e.code === 'ENOEXEC') {
        await common.stderr.write(new TextEncoder().encode(`sh: ${o.argv[0]}: ${e.message}\n`)).catch(() => {});
        return { pid: 0, wait: async () => 126, kill() {} };
      } else throw new SpawnError(o.argv[0] ?? '', 'not-executable');
    }
    const proc = p;
    // `signal` lets the shell print "Killed" / "Terminated" as busybox sh does.
    const handle: ProcessHandle & { signal: number | null } = {
      pid: proc.pid,
      signal: null,
      wait: async () => {
        const x = await proc.wait();
        handle.signal = x.signal ?? null;
        return x.status;
      },
      kill: (sig) => proc.kill(sig),
    };
    return handle;
  }

  private isText(cwd: string, path: string): boolean {
    try {
      const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
      const ino = this.ctx.fs.lookup(this.ctx.cred, ROOT_INO, abs, true);
      return !this.ctx.fs.read(ino, 0, 512).includes(0);
    } catch {
      return false;
    }
  }

  pipe(): Pipe {
    const p = processPipe();
    return { reader: new ReaderAdapter(buffered(p.reader)), writer: new WriterAdapter(p.writer) };
  }

  kill(pid: number, signal: number): boolean {
    return this.ctx.runtime.kill(pid, signal);
  }
}

class ContainerShellFs implements ShellFs {
  constructor(
    private readonly fs: FsApi,
    private readonly cred: Cred,
    private readonly terminal: ByteWriter | undefined,
  ) {}

  private guard<T>(path: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw shellError(e, path);
    }
  }

  private statOf(path: string, follow: boolean): FileStat | null {
    try {
      return fileStat(this.fs.stat(this.fs.lookup(this.cred, ROOT_INO, path, follow)));
    } catch (e) {
      if (e instanceof VfsFsError) return null;
      throw e;
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    return this.statOf(path, true);
  }
  async lstat(path: string): Promise<FileStat | null> {
    return this.statOf(path, false);
  }
  async readdir(path: string): Promise<string[]> {
    return this.guard(path, () => this.fs.readdir(this.cred, this.fs.lookup(this.cred, ROOT_INO, path, true)).map((e) => e.name));
  }
  async open(path: string, mode: OpenMode, options: { exclusive?: boolean; perm?: number } = {}): Promise<OpenFile> {
    return this.guard(path, () => {
      const write = mode !== 'r';
      const existing = this.statOf(path, true);
      if (existing?.type === 'char') {
        const st = this.fs.stat(this.fs.lookup(this.cred, ROOT_INO, path, true));
        const kind = deviceKind(st.rdev?.major ?? 0, st.rdev?.minor ?? 0);
        if (!kind) throw new FsError('EIO', path);
        if (!this.fs.access(this.cred, st.ino, write ? 2 : 4)) throw new FsError('EACCES', path);
        return new DeviceHandle(kind, this.terminal);
      }
      const ino = this.fs.open(
        this.cred,
        ROOT_INO,
        path,
        { read: mode === 'r' || mode === 'rw', write, create: write, truncate: mode === 'w', exclusive: options.exclusive ?? false },
        options.perm ?? 0o666,
      );
      return new FileHandle(this.fs, ino, this.cred, mode === 'a' ? this.fs.stat(ino).size : 0, mode === 'a');
    });
  }
  async access(path: string, mode: number): Promise<boolean> {
    try {
      const ino = this.fs.lookup(this.cred, ROOT_INO, path, true);
      return mode === 0 || this.fs.access(this.cred, ino, mode);
    } catch {
      return false;
    }
  }
  async realpath(path: string): Promise<string> {
    return this.guard(path, () => {
      const ino = this.fs.lookup(this.cred, ROOT_INO, path, true);
      const real = this.fs.pathOf?.(ino);
      if (real === undefined) throw new VfsFsError('ENOENT', path);
      return real;
    });
  }
}
