/**
 * Character devices a container's /dev holds (Linux numbers): null (1,3), zero (1,5),
 * full (1,7), random (1,8), urandom (1,9), and the terminal (5,0 /dev/tty, 5,1
 * /dev/console, 136,n /dev/pts/n), which is the process's own terminal when it has one.
 * Their inodes come from the filesystem; their behaviour lives here.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import { host } from '../host.ts';
import type { Ino, Stat } from '../vfs/fs-api.ts';
import { E, errnoOf } from './errno.ts';
import { HostFd, extStatOf, type ExtStat, type Readiness } from './host-fd.ts';
import { FILE_RIGHTS, RIGHTS } from './rights.ts';
import { filestatOf, type Filestat } from './structs.ts';
import type { ProcessState } from './system.ts';
import { timesOf } from './times.ts';

export type DeviceKind = 'null' | 'zero' | 'full' | 'random' | 'tty';
type Kind = DeviceKind;

/** What a character device's numbers stand for (the shell's redirections use it too). */
export function deviceKind(major: number, minor: number): Kind | null {
  if (major === 1) return ({ 3: 'null', 5: 'zero', 7: 'full', 8: 'random', 9: 'random' } as Record<number, Kind>)[minor] ?? null;
  if ((major === 5 && (minor === 0 || minor === 1)) || major === 136) return 'tty';
  return null;
}

export class DeviceFd extends HostFd {
  /** A device fd for a character-device inode, or null when nothing stands behind it (ENXIO). */
  static open(proc: ProcessState, ino: Ino, st: Stat, rights: bigint, fdflags: number): DeviceFd | null {
    const kind = deviceKind(st.rdev?.major ?? 0, st.rdev?.minor ?? 0);
    if (kind === null || (kind === 'tty' && !proc.terminal)) return null;
    // A terminal cannot seek, so isatty() holds for it and for nothing else.
    const mask = kind === 'tty' ? FILE_RIGHTS & ~(RIGHTS.FD_SEEK | RIGHTS.FD_TELL) : FILE_RIGHTS;
    const fd = new DeviceFd(proc, ino, kind, rights & mask);
    fd.fdflags = fdflags;
    return fd;
  }

  private constructor(
    readonly proc: ProcessState,
    readonly ino: Ino,
    readonly kind: Kind,
    rightsBase: bigint,
  ) {
    super(rightsBase, 0n);
  }

  filetype(): number {
    return wasi.FILETYPE_CHARACTER_DEVICE;
  }

  statExt(): ExtStat | number {
    try {
      return extStatOf(this.proc.sys.fs.stat(this.ino));
    } catch (e) {
      return errnoOf(e);
    }
  }

  override pollRead(): Readiness {
    if (this.kind === 'tty') return { ready: false, streamId: this.proc.terminal!.input };
    return { ready: true, nbytes: 0n };
  }

  override fd_close(): number {
    try {
      this.proc.sys.fs.close(this.ino);
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.has(RIGHTS.FD_READ)) return { ret: E.BADF, data: new Uint8Array() };
    switch (this.kind) {
      case 'null': return { ret: E.SUCCESS, data: new Uint8Array() };
      case 'zero':
      case 'full': return { ret: E.SUCCESS, data: new Uint8Array(size) };
      case 'random': return { ret: E.SUCCESS, data: host().randomBytes(Math.min(size, 1 << 20)) };
      case 'tty':
        try {
          return { ret: E.SUCCESS, data: this.proc.sys.streams.read(this.proc.terminal!.input, size) ?? new Uint8Array() };
        } catch (e) {
          return { ret: errnoOf(e), data: new Uint8Array() };
        }
    }
  }

  override fd_pread(size: number): { ret: number; data: Uint8Array } {
    return this.kind === 'tty' ? { ret: E.SPIPE, data: new Uint8Array() } : this.fd_read(size);
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (!this.has(RIGHTS.FD_WRITE)) return { ret: E.BADF, nwritten: 0 };
    if (this.kind === 'full') return { ret: E.NOSPC, nwritten: 0 };
    if (this.kind === 'tty') {
      try {
        if (data.length) this.proc.sys.streams.write(this.proc.terminal!.output, data);
      } catch (e) {
        return { ret: errnoOf(e), nwritten: 0 };
      }
    }
    return { ret: E.SUCCESS, nwritten: data.length };
  }

  override fd_pwrite(data: Uint8Array): { ret: number; nwritten: number } {
    return this.kind === 'tty' ? { ret: E.SPIPE, nwritten: 0 } : this.fd_write(data);
  }

  override fd_seek(): { ret: number; offset: bigint } {
    return this.kind === 'tty' ? { ret: E.SPIPE, offset: 0n } : { ret: E.SUCCESS, offset: 0n };
  }
  override fd_tell(): { ret: number; offset: bigint } {
    return this.kind === 'tty' ? { ret: E.SPIPE, offset: 0n } : { ret: E.SUCCESS, offset: 0n };
  }
  override fd_sync(): number { return E.SUCCESS; }
  override fd_filestat_set_size(): number { return E.SUCCESS; }

  override fd_filestat_get(): { ret: number; filestat: Filestat | null } {
    try {
      return { ret: E.SUCCESS, filestat: filestatOf(this.proc.sys.fs.stat(this.ino)) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    const t = timesOf(atim, mtim, fstFlags);
    if (typeof t === 'number') return t;
    try {
      this.proc.sys.fs.setattr(this.proc.cred, this.ino, t);
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  override path_open(): { ret: number; fd_obj: null } { return { ret: E.NOTDIR, fd_obj: null }; }
}
