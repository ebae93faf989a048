/**
 * The base of every fd this host hands out: browser_wasi_shim's `Fd` (whose methods the
 * shim's import functions call) plus rights, fd flags, the owner/mode view of
 * `layerbox.fd_stat_ext`, and poll readiness.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim';
import type { FileType, Stat } from '../vfs/fs-api.ts';
import { E } from './errno.ts';
import { RIGHTS } from './rights.ts';

/** `struct lb_stat` of ABI.md, before encoding. */
export interface ExtStat {
  /** S_IFMT type bits | permission bits. */
  mode: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
}

export const S_IF: Record<FileType, number> = {
  fifo: 0o010000, char: 0o020000, dir: 0o040000, block: 0o060000, file: 0o100000, symlink: 0o120000,
};

export function extStatOf(st: Stat): ExtStat {
  return {
    mode: S_IF[st.type] | (st.mode & 0o7777),
    uid: st.uid,
    gid: st.gid,
    rdevMajor: st.rdev?.major ?? 0,
    rdevMinor: st.rdev?.minor ?? 0,
  };
}

/** What poll_oneoff learns about an fd before it would have to wait. */
export type Readiness =
  | { ready: true; nbytes: bigint; hangup?: boolean }
  /** A stream with nothing buffered: wait on it through the stream hub. */
  | { ready: false; streamId: number };

export abstract class HostFd extends Fd {
  fdflags = 0;
  constructor(
    public rightsBase: bigint,
    public rightsInheriting: bigint,
  ) {
    super();
  }

  abstract filetype(): number;
  /** The owner and mode view for `layerbox.fd_stat_ext`; an errno when it has none. */
  abstract statExt(): ExtStat | number;

  has(right: bigint): boolean {
    return (this.rightsBase & right) === right;
  }

  pollRead(): Readiness {
    return { ready: true, nbytes: 0n };
  }
  pollWrite(): Readiness {
    return { ready: true, nbytes: 0n };
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const s = new wasi.Fdstat(this.filetype(), this.fdflags);
    s.fs_rights_base = this.rightsBase;
    s.fs_rights_inherited = this.rightsInheriting;
    return { ret: E.SUCCESS, fdstat: s };
  }

  override fd_fdstat_set_rights(base: bigint, inheriting: bigint): number {
    // Rights can only shrink.
    if ((base & ~this.rightsBase) !== 0n || (inheriting & ~this.rightsInheriting) !== 0n) return E.NOTCAPABLE;
    this.rightsBase = base;
    this.rightsInheriting = inheriting;
    return E.SUCCESS;
  }

  override fd_fdstat_set_flags(flags: number): number {
    if (!this.has(RIGHTS.FD_FDSTAT_SET_FLAGS)) return E.NOTCAPABLE;
    // Only APPEND and NONBLOCK change behaviour; the sync flags are always true here.
    this.fdflags = flags & (wasi.FDFLAGS_APPEND | wasi.FDFLAGS_NONBLOCK | wasi.FDFLAGS_DSYNC | wasi.FDFLAGS_RSYNC | wasi.FDFLAGS_SYNC);
    return E.SUCCESS;
  }

  /** fd_advise: the shim answers success for any open fd; a directory must refuse it. */
  fd_advise(): number {
    return this.has(RIGHTS.FD_ADVISE) ? E.SUCCESS : E.BADF;
  }
}
