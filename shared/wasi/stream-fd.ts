/**
 * fds 0, 1 and 2: byte streams (a terminal or a pipe) reached through the process's
 * `StreamHub`. Reads block until data or end of stream. A terminal is reported as a
 * character device without seek rights, which is exactly what wasi-libc's `isatty()`
 * tests; a pipe is a stream of unknown type (preview1 has no fifo type).
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import { E, errnoOf } from './errno.ts';
import { HostFd, S_IF, type ExtStat, type Readiness } from './host-fd.ts';
import { RIGHTS, STREAM_RIGHTS } from './rights.ts';
import { Filestat } from './structs.ts';
import type { ProcessState, StreamRef } from './system.ts';

/** Devices numbers of a pseudo-terminal (`/dev/pts/0`). */
export const PTS_MAJOR = 136;
export const TTY_GID = 5;

export class StreamFd extends HostFd {
  constructor(
    readonly proc: ProcessState,
    readonly stream: StreamRef,
    readable: boolean,
    writable: boolean,
  ) {
    const rw = (readable ? RIGHTS.FD_READ : 0n) | (writable ? RIGHTS.FD_WRITE : 0n);
    const base = (STREAM_RIGHTS & ~(RIGHTS.FD_READ | RIGHTS.FD_WRITE)) | rw;
    super(base, 0n);
  }

  filetype(): number {
    return this.stream.tty ? wasi.FILETYPE_CHARACTER_DEVICE : wasi.FILETYPE_UNKNOWN;
  }

  statExt(): ExtStat {
    return this.stream.tty
      ? { mode: S_IF.char | 0o620, uid: this.proc.cred.uid, gid: TTY_GID, rdevMajor: PTS_MAJOR, rdevMinor: 0 }
      : { mode: S_IF.fifo | 0o600, uid: this.proc.cred.uid, gid: this.proc.cred.gid, rdevMajor: 0, rdevMinor: 0 };
  }

  override pollRead(): Readiness {
    if (!this.has(RIGHTS.FD_READ)) return { ready: true, nbytes: 0n };
    return { ready: false, streamId: this.stream.id };
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.has(RIGHTS.FD_READ)) return { ret: E.BADF, data: new Uint8Array() };
    if (size === 0) return { ret: E.SUCCESS, data: new Uint8Array() };
    try {
      return { ret: E.SUCCESS, data: this.proc.sys.streams.read(this.stream.id, size) ?? new Uint8Array() };
    } catch (e) {
      return { ret: errnoOf(e), data: new Uint8Array() };
    }
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (!this.has(RIGHTS.FD_WRITE)) return { ret: E.BADF, nwritten: 0 };
    try {
      if (data.length) this.proc.sys.streams.write(this.stream.id, data);
      return { ret: E.SUCCESS, nwritten: data.length };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }

  override fd_pread(): { ret: number; data: Uint8Array } { return { ret: E.SPIPE, data: new Uint8Array() }; }
  override fd_pwrite(): { ret: number; nwritten: number } { return { ret: E.SPIPE, nwritten: 0 }; }
  override fd_seek(): { ret: number; offset: bigint } { return { ret: E.SPIPE, offset: 0n }; }
  override fd_tell(): { ret: number; offset: bigint } { return { ret: E.SPIPE, offset: 0n }; }
  override fd_sync(): number { return E.SUCCESS; }
  override fd_advise(): number { return E.SPIPE; }
  override fd_allocate(): number { return E.SPIPE; }
  override fd_filestat_set_size(): number { return E.INVAL; }

  override fd_filestat_get(): { ret: number; filestat: Filestat } {
    const f = new Filestat(0n, this.filetype(), 0n);
    f.nlink = 1n;
    return { ret: E.SUCCESS, filestat: f };
  }

  override path_open(): { ret: number; fd_obj: null } { return { ret: E.NOTDIR, fd_obj: null }; }
}
