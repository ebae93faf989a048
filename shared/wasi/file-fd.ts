/**
 * An fd on a regular file of the container filesystem. Permission was checked once, at
 * open, as Linux does: later reads and writes need only the fd's rights.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import { ROOT_CRED, type Ino } from '../vfs/fs-api.ts';
import { E, errnoOf } from './errno.ts';
import { HostFd, extStatOf, type ExtStat, type Readiness } from './host-fd.ts';
import { RIGHTS } from './rights.ts';
import { filestatOf, type Filestat } from './structs.ts';
import type { ProcessState } from './system.ts';
import { timesOf } from './times.ts';

export class FileFd extends HostFd {
  position = 0;

  constructor(
    readonly proc: ProcessState,
    readonly ino: Ino,
    rightsBase: bigint,
    rightsInheriting: bigint,
    fdflags: number,
    /** Whether closing this fd releases a reference taken by `open` (false for an inherited fd). */
    private readonly owned = true,
  ) {
    super(rightsBase, rightsInheriting);
    this.fdflags = fdflags;
  }

  private get fs() {
    return this.proc.sys.fs;
  }

  filetype(): number {
    return wasi.FILETYPE_REGULAR_FILE;
  }

  statExt(): ExtStat | number {
    try {
      return extStatOf(this.fs.stat(this.ino));
    } catch (e) {
      return errnoOf(e);
    }
  }

  get append(): boolean {
    return (this.fdflags & wasi.FDFLAGS_APPEND) !== 0;
  }

  override pollRead(): Readiness {
    try {
      const size = this.fs.stat(this.ino).size;
      return { ready: true, nbytes: BigInt(Math.max(0, size - this.position)) };
    } catch {
      return { ready: true, nbytes: 0n };
    }
  }

  override fd_close(): number {
    if (this.owned) {
      try {
        this.fs.close(this.ino);
      } catch (e) {
        return errnoOf(e);
      }
    }
    return E.SUCCESS;
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.has(RIGHTS.FD_READ)) return { ret: E.BADF, data: new Uint8Array() };
    try {
      const data = this.fs.read(this.ino, this.position, size);
      this.position += data.length;
      return { ret: E.SUCCESS, data };
    } catch (e) {
      return { ret: errnoOf(e), data: new Uint8Array() };
    }
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    if (!this.has(RIGHTS.FD_READ)) return { ret: E.BADF, data: new Uint8Array() };
    try {
      return { ret: E.SUCCESS, data: this.fs.read(this.ino, Number(offset), size) };
    } catch (e) {
      return { ret: errnoOf(e), data: new Uint8Array() };
    }
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (!this.has(RIGHTS.FD_WRITE)) return { ret: E.BADF, nwritten: 0 };
    try {
      if (this.append) this.position = this.fs.stat(this.ino).size;
      const n = this.fs.write(this.ino, this.position, data);
      this.position += n;
      return { ret: E.SUCCESS, nwritten: n };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    if (!this.has(RIGHTS.FD_WRITE)) return { ret: E.BADF, nwritten: 0 };
    try {
      // Linux appends on pwrite to an O_APPEND file, ignoring the offset.
      const at = this.append ? this.fs.stat(this.ino).size : Number(offset);
      return { ret: E.SUCCESS, nwritten: this.fs.write(this.ino, at, data) };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    const tellOnly = whence === wasi.WHENCE_CUR && offset === 0n;
    if (!this.has(RIGHTS.FD_SEEK) && !(tellOnly && this.has(RIGHTS.FD_TELL))) {
      return { ret: E.NOTCAPABLE, offset: 0n };
    }
    let base: number;
    try {
      switch (whence) {
        case wasi.WHENCE_SET: base = 0; break;
        case wasi.WHENCE_CUR: base = this.position; break;
        case wasi.WHENCE_END: base = this.fs.stat(this.ino).size; break;
        default: return { ret: E.INVAL, offset: 0n };
      }
    } catch (e) {
      return { ret: errnoOf(e), offset: 0n };
    }
    const next = BigInt(base) + offset;
    if (next < 0n) return { ret: E.INVAL, offset: 0n };
    if (next > BigInt(Number.MAX_SAFE_INTEGER)) return { ret: E.OVERFLOW, offset: 0n };
    this.position = Number(next);
    return { ret: E.SUCCESS, offset: next };
  }

  override fd_tell(): { ret: number; offset: bigint } {
    if (!this.has(RIGHTS.FD_TELL)) return { ret: E.NOTCAPABLE, offset: 0n };
    return { ret: E.SUCCESS, offset: BigInt(this.position) };
  }

  override fd_filestat_get(): { ret: number; filestat: Filestat | null } {
    if (!this.has(RIGHTS.FD_FILESTAT_GET)) return { ret: E.NOTCAPABLE, filestat: null };
    try {
      return { ret: E.SUCCESS, filestat: filestatOf(this.fs.stat(this.ino)) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }

  override fd_filestat_set_size(size: bigint): number {
    if (!this.has(RIGHTS.FD_FILESTAT_SET_SIZE)) return this.has(RIGHTS.FD_WRITE) ? E.NOTCAPABLE : E.BADF;
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return E.FBIG;
    try {
      // The write permission was checked at open (ftruncate does not check it again).
      this.fs.setattr(ROOT_CRED, this.ino, { size: Number(size) });
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    if (!this.has(RIGHTS.FD_ALLOCATE)) return this.has(RIGHTS.FD_WRITE) ? E.NOTCAPABLE : E.BADF;
    try {
      const end = offset + len;
      if (end > BigInt(Number.MAX_SAFE_INTEGER)) return E.FBIG;
      if (Number(end) > this.fs.stat(this.ino).size) this.fs.setattr(ROOT_CRED, this.ino, { size: Number(end) });
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    if (!this.has(RIGHTS.FD_FILESTAT_SET_TIMES)) return E.NOTCAPABLE;
    const t = timesOf(atim, mtim, fstFlags);
    if (typeof t === 'number') return t;
    try {
      this.fs.setattr(this.proc.cred, this.ino, t);
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  override fd_sync(): number {
    return E.SUCCESS;
  }

  // path_* calls on a file fd: not a directory.
  override path_create_directory(): number { return E.NOTDIR; }
  override path_filestat_get(): { ret: number; filestat: null } { return { ret: E.NOTDIR, filestat: null }; }
  override path_filestat_set_times(): number { return E.NOTDIR; }
  override path_open(): { ret: number; fd_obj: null } { return { ret: E.NOTDIR, fd_obj: null }; }
  override path_readlink(): { ret: number; data: null } { return { ret: E.NOTDIR, data: null }; }
  override path_remove_directory(): number { return E.NOTDIR; }
  override path_unlink_file(): number { return E.NOTDIR; }
}
