/**
 * A WASI preview1 host over a container filesystem (`FsApi`), byte streams and the
 * process calls of `WasiSystem`. It is browser_wasi_shim's `WASI` with the fds of this
 * folder, and with the import functions replaced where the shim (0.4.2) is wrong or
 * lacking for a POSIX userland; each replacement says why.
 *
 * Contract: every import returns an errno and never throws, except `proc_exit`
 * (`WASIProcExit`) and `proc_raise` / a signal to oneself (`WasiSignal`).
 */
import { WASI, WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim';
import { ROOT_INO, type Cred } from '../vfs/fs-api.ts';
import { DirFd } from './dir-fd.ts';
import { E } from './errno.ts';
import { FileFd } from './file-fd.ts';
import type { HostFd } from './host-fd.ts';
import { layerboxImports } from './layerbox-imports.ts';
import { pollOneoff } from './poll.ts';
import { ALL_RIGHTS, DIR_RIGHTS, FILE_RIGHTS, RIGHTS } from './rights.ts';
import { StreamFd } from './stream-fd.ts';
import type { InheritedFd, ProcessState, WasiSystem } from './system.ts';
import { monotonicNs, realtimeNs } from './clock.ts';

export { WASIProcExit };

/** Thrown to end the process by a signal (proc_raise, or a kill the process sent itself). */
export class WasiSignal extends Error {
  constructor(readonly signal: number) {
    super(`terminated by signal ${signal}`);
  }
}

export interface WasiHostOptions {
  args: string[];
  /** `NAME=value` strings. */
  env: string[];
  sys: WasiSystem;
  cred: Cred;
  /** Default 0o022. */
  umask?: number;
  /** fds 0, 1, 2. */
  stdio: [InheritedFd, InheritedFd, InheritedFd];
  /** The controlling terminal's stream ids, when the process has one (/dev/tty). */
  terminal?: { input: number; output: number };
}

type Memory = { buffer: ArrayBuffer };

export class WasiHost extends WASI {
  readonly proc: ProcessState;
  /** Imports of the `layerbox` module (ABI.md). */
  readonly layerboxImport: Record<string, (...args: number[]) => number>;
  private readonly startNs = monotonicNs();

  constructor(opts: WasiHostOptions) {
    const proc: ProcessState = {
      sys: opts.sys,
      cred: opts.cred,
      umask: opts.umask ?? 0o022,
      ...(opts.terminal ? { terminal: opts.terminal } : {}),
    };
    const fds: Array<HostFd | undefined> = opts.stdio.map((s, i) => stdioFd(proc, s, i));
    fds.push(new DirFd(proc, ROOT_INO, DIR_RIGHTS, ALL_RIGHTS, '/', false));
    // Options must be passed: the shim turns its debug log on when `debug` is absent.
    super(opts.args, opts.env, fds as HostFd[], { debug: false });
    this.proc = proc;
    this.installFixes();
    this.layerboxImport = layerboxImports(this);
  }

  get memory(): Memory {
    return this.inst.exports.memory as unknown as Memory;
  }

  /** The open fd objects (holes are closed fds). */
  get table(): Array<HostFd | undefined> {
    return this.fds as Array<HostFd | undefined>;
  }

  fd(n: number): HostFd | undefined {
    return this.table[n];
  }

  /** The imports to instantiate a module with. */
  imports(): Record<string, Record<string, (...args: never[]) => unknown>> {
    return { wasi_snapshot_preview1: this.wasiImport, layerbox: this.layerboxImport } as never;
  }

  /** Place an fd at the lowest free number, as POSIX open() does. */
  private allocate(fd: HostFd): number {
    const t = this.table;
    let n = 0;
    while (n < t.length && t[n] !== undefined) n++;
    t[n] = fd;
    return n;
  }

  private view(): DataView {
    return new DataView(this.memory.buffer);
  }
  private bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
  private str(ptr: number, len: number): string {
    return new TextDecoder().decode(this.bytes().subarray(ptr, ptr + len));
  }

  private installFixes(): void {
    const imp = this.wasiImport;
    const enc = new TextEncoder();

    // The shim counts UTF-16 units instead of UTF-8 bytes, so non-ASCII arguments overflow the buffer.
    imp.args_sizes_get = (argcPtr: number, sizePtr: number): number => {
      const v = this.view();
      v.setUint32(argcPtr, this.args.length, true);
      v.setUint32(sizePtr, this.args.reduce((n, a) => n + enc.encode(a).length + 1, 0), true);
      return E.SUCCESS;
    };

    // The shim reads each iovec with its own fd_read call, so a blocking stream read
    // waits again for the second buffer wasi-libc passes; read once and scatter instead.
    imp.fd_read = (fd: number, iovs: number, iovsLen: number, nreadPtr: number): number => {
      const f = this.fd(fd);
      if (!f) return E.BADF;
      const vecs = wasi.Iovec.read_bytes_array(this.view(), iovs, iovsLen);
      const total = vecs.reduce((n, v) => n + v.buf_len, 0);
      const { ret, data } = f.fd_read(total);
      if (ret !== E.SUCCESS) return ret;
      scatter(this.bytes(), vecs, data);
      this.view().setUint32(nreadPtr, data.length, true);
      return E.SUCCESS;
    };

    // Gather iovecs into one write: one round trip, and a pipe write is not torn apart.
    imp.fd_write = (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number => {
      const f = this.fd(fd);
      if (!f) return E.BADF;
      const { ret, nwritten } = f.fd_write(gather(this.bytes(), wasi.Ciovec.read_bytes_array(this.view(), iovs, iovsLen)));
      if (ret !== E.SUCCESS) return ret;
      this.view().setUint32(nwrittenPtr, nwritten, true);
      return E.SUCCESS;
    };
    imp.fd_pwrite = (fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number => {
      const f = this.fd(fd);
      if (!f) return E.BADF;
      const { ret, nwritten } = f.fd_pwrite(gather(this.bytes(), wasi.Ciovec.read_bytes_array(this.view(), iovs, iovsLen)), offset);
      if (ret !== E.SUCCESS) return ret;
      this.view().setUint32(nwrittenPtr, nwritten, true);
      return E.SUCCESS;
    };
    imp.fd_pread = (fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number): number => {
      const f = this.fd(fd);
      if (!f) return E.BADF;
      const vecs = wasi.Iovec.read_bytes_array(this.view(), iovs, iovsLen);
      const { ret, data } = f.fd_pread(vecs.reduce((n, v) => n + v.buf_len, 0), offset);
      if (ret !== E.SUCCESS) return ret;
      scatter(this.bytes(), vecs, data);
      this.view().setUint32(nreadPtr, data.length, true);
      return E.SUCCESS;
    };

    // The shim answers success for any fd without asking it.
    imp.fd_advise = (fd: number, _offset: bigint, _len: bigint, advice: number): number => {
      const f = this.fd(fd);
      if (!f) return E.BADF;
      if (advice < 0 || advice > 5) return E.INVAL;
      return f.fd_advise();
    };

    // The shim closes the fd when both numbers are the same, losing it.
    imp.fd_renumber = (from: number, to: number): number => {
      const f = this.fd(from);
      const g = this.fd(to);
      if (!f || !g) return E.BADF;
      if (from === to) return E.SUCCESS;
      g.fd_close();
      this.table[to] = f;
      this.table[from] = undefined;
      return E.SUCCESS;
    };

    // The shim appends every new fd at the end of its table; POSIX takes the lowest free number.
    imp.path_open = (
      dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      base: bigint, inheriting: bigint, fdflags: number, openedPtr: number,
    ): number => {
      const d = this.fd(dirfd);
      if (!d) return E.BADF;
      const { ret, fd_obj } = d.path_open(dirflags, this.str(pathPtr, pathLen), oflags, base, inheriting, fdflags);
      if (ret !== E.SUCCESS || !fd_obj) return ret || E.IO;
      this.view().setUint32(openedPtr, this.allocate(fd_obj as HostFd), true);
      return E.SUCCESS;
    };

    // The shim truncates nothing and answers EBADF when the buffer is short; readlink(2) truncates.
    imp.path_readlink = (dirfd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, nreadPtr: number): number => {
      const d = this.fd(dirfd);
      if (!d) return E.BADF;
      const { ret, data } = d.path_readlink(this.str(pathPtr, pathLen));
      if (ret !== E.SUCCESS || data === null) return ret || E.IO;
      const b = enc.encode(data).subarray(0, bufLen);
      this.bytes().set(b, buf);
      this.view().setUint32(nreadPtr, b.length, true);
      return E.SUCCESS;
    };

    // The shim has no symlinks; link and rename work on its in-memory inode objects.
    imp.path_symlink = (oldPtr: number, oldLen: number, dirfd: number, newPtr: number, newLen: number): number => {
      const d = this.fd(dirfd);
      if (!d) return E.BADF;
      if (!(d instanceof DirFd)) return E.NOTDIR;
      return d.symlink(this.str(oldPtr, oldLen), this.str(newPtr, newLen));
    };
    imp.path_link = (oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number => {
      const a = this.fd(oldFd);
      const b = this.fd(newFd);
      if (!a || !b) return E.BADF;
      if (!(a instanceof DirFd) || !(b instanceof DirFd)) return E.NOTDIR;
      return a.linkTo(this.str(oldPtr, oldLen), (oldFlags & 1) !== 0, b, this.str(newPtr, newLen));
    };
    imp.path_rename = (oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number => {
      const a = this.fd(oldFd);
      const b = this.fd(newFd);
      if (!a || !b) return E.BADF;
      if (!(a instanceof DirFd) || !(b instanceof DirFd)) return E.NOTDIR;
      return a.renameTo(this.str(oldPtr, oldLen), b, this.str(newPtr, newLen));
    };

    // The shim busy-waits, takes one subscription only, reads the clock flags at the wrong
    // offset and knows no fd subscriptions.
    imp.poll_oneoff = (inPtr: number, outPtr: number, n: number, neventsPtr: number): number =>
      pollOneoff(this, inPtr, outPtr, n, neventsPtr);

    // Microsecond wall clock, CPU-time clocks that are not stuck at zero, EINVAL for unknown clocks.
    imp.clock_time_get = (id: number, _precision: bigint, out: number): number => {
      let t: bigint;
      switch (id) {
        case wasi.CLOCKID_REALTIME: t = realtimeNs(); break;
        case wasi.CLOCKID_MONOTONIC: t = monotonicNs(); break;
        case wasi.CLOCKID_PROCESS_CPUTIME_ID:
        case wasi.CLOCKID_THREAD_CPUTIME_ID: t = monotonicNs() - this.startNs; break;
        default: return E.INVAL;
      }
      this.view().setBigUint64(out, t, true);
      return E.SUCCESS;
    };
    imp.clock_res_get = (id: number, out: number): number => {
      if (id < 0 || id > 3) return E.INVAL;
      this.view().setBigUint64(out, 1000n, true);
      return E.SUCCESS;
    };

    // The shim throws a string.
    imp.proc_raise = (sig: number): number => {
      throw new WasiSignal(sig);
    };
    imp.proc_exit = (code: number): never => {
      throw new WASIProcExit(code >>> 0);
    };

    // The shim throws on every socket call; there are no sockets, so say so per fd.
    const noSock = (fd: number): number => (this.fd(fd) ? E.NOTSOCK : E.BADF);
    imp.sock_recv = noSock;
    imp.sock_send = noSock;
    imp.sock_shutdown = noSock;
    imp.sock_accept = noSock;
  }

  /** What a spawned child inherits for fd `n` (ABI.md `spawn`). */
  inheritable(n: number): InheritedFd {
    const f = this.fd(n);
    if (f instanceof StreamFd) return { kind: 'stream', stream: f.stream };
    if (f instanceof FileFd) {
      return {
        kind: 'file', ino: f.ino, position: f.position, append: f.append,
        readable: f.has(RIGHTS.FD_READ), writable: f.has(RIGHTS.FD_WRITE),
      };
    }
    return { kind: 'closed' };
  }
}

function stdioFd(proc: ProcessState, s: InheritedFd, n: number): HostFd | undefined {
  switch (s.kind) {
    case 'stream':
      return new StreamFd(proc, s.stream, n === 0, n !== 0);
    case 'file': {
      let rights = FILE_RIGHTS;
      if (!s.readable) rights &= ~RIGHTS.FD_READ;
      if (!s.writable) rights &= ~(RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE | RIGHTS.FD_DATASYNC);
      const f = new FileFd(proc, s.ino, rights, 0n, s.append ? wasi.FDFLAGS_APPEND : 0, false);
      f.position = s.position;
      return f;
    }
    case 'closed':
      return undefined;
  }
}

function gather(mem: Uint8Array, vecs: wasi.Ciovec[]): Uint8Array {
  if (vecs.length === 1) return mem.slice(vecs[0]!.buf, vecs[0]!.buf + vecs[0]!.buf_len);
  const out = new Uint8Array(vecs.reduce((n, v) => n + v.buf_len, 0));
  let at = 0;
  for (const v of vecs) {
    out.set(mem.subarray(v.buf, v.buf + v.buf_len), at);
    at += v.buf_len;
  }
  return out;
}

function scatter(mem: Uint8Array, vecs: wasi.Iovec[], data: Uint8Array): void {
  let at = 0;
  for (const v of vecs) {
    if (at >= data.length) break;
    const part = data.subarray(at, at + v.buf_len);
    mem.set(part, v.buf);
    at += part.length;
  }
}
