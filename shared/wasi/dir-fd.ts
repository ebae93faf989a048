/**
 * An fd on a directory: the base of every path_* call. The container root is opened as
 * fd 3 with the preopen name `/`. Directory listings are read once per rewind (cookie 0)
 * and cookies index into that snapshot (`.` and `..` first), so a listing stays stable
 * while the program walks it.
 */
import { wasi } from '@bjorn3/browser_wasi_shim';
import type { DirEntry, Ino, OpenFlags } from '../vfs/fs-api.ts';
import { DeviceFd } from './device-fd.ts';
import { E, errnoOf } from './errno.ts';
import { FileFd } from './file-fd.ts';
import { HostFd, extStatOf, type ExtStat } from './host-fd.ts';
import { DIR_RIGHTS, FILE_RIGHTS, RIGHTS } from './rights.ts';
import { filestatOf, wasiFiletype, type Filestat } from './structs.ts';
import type { ProcessState } from './system.ts';
import { timesOf } from './times.ts';

const LOOKUP_SYMLINK_FOLLOW = 1;

/**
 * preview1 paths are relative to their directory fd; an absolute one is a capability
 * escape there (wasi-libc never passes one: it resolves absolute paths against the
 * preopens first). Symlink targets may still be absolute: they resolve at the container root.
 */
function absolute(path: string): boolean {
  return path.startsWith('/');
}

export class DirFd extends HostFd {
  private listing: Array<Pick<DirEntry, 'name' | 'ino' | 'type'>> | null = null;

  constructor(
    readonly proc: ProcessState,
    readonly ino: Ino,
    rightsBase: bigint,
    rightsInheriting: bigint,
    /** The preopen name (fd 3 is `/`), or null for a directory opened by the program. */
    readonly preopenName: string | null = null,
    private readonly owned = true,
  ) {
    super(rightsBase, rightsInheriting);
  }

  private get fs() {
    return this.proc.sys.fs;
  }
  private get cred() {
    return this.proc.cred;
  }

  filetype(): number {
    return wasi.FILETYPE_DIRECTORY;
  }

  statExt(): ExtStat | number {
    try {
      return extStatOf(this.fs.stat(this.ino));
    } catch (e) {
      return errnoOf(e);
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

  override fd_prestat_get(): { ret: number; prestat: wasi.Prestat | null } {
    if (this.preopenName === null) return { ret: E.BADF, prestat: null };
    return { ret: E.SUCCESS, prestat: wasi.Prestat.dir(this.preopenName) };
  }

  // Byte I/O on a directory.
  override fd_read(): { ret: number; data: Uint8Array } { return { ret: E.ISDIR, data: new Uint8Array() }; }
  override fd_pread(): { ret: number; data: Uint8Array } { return { ret: E.ISDIR, data: new Uint8Array() }; }
  override fd_write(): { ret: number; nwritten: number } { return { ret: E.ISDIR, nwritten: 0 }; }
  override fd_pwrite(): { ret: number; nwritten: number } { return { ret: E.ISDIR, nwritten: 0 }; }
  override fd_seek(): { ret: number; offset: bigint } { return { ret: E.ISDIR, offset: 0n }; }
  override fd_tell(): { ret: number; offset: bigint } { return { ret: E.ISDIR, offset: 0n }; }
  override fd_allocate(): number { return E.ISDIR; }
  override fd_filestat_set_size(): number { return E.ISDIR; }
  override fd_advise(): number { return E.BADF; }
  override fd_sync(): number { return E.SUCCESS; }

  override fd_filestat_get(): { ret: number; filestat: Filestat | null } {
    if (!this.has(RIGHTS.FD_FILESTAT_GET)) return { ret: E.NOTCAPABLE, filestat: null };
    try {
      return { ret: E.SUCCESS, filestat: filestatOf(this.fs.stat(this.ino)) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    if (!this.has(RIGHTS.FD_FILESTAT_SET_TIMES)) return E.NOTCAPABLE;
    const t = timesOf(atim, mtim, fstFlags);
    if (typeof t === 'number') return t;
    return this.attempt(() => this.fs.setattr(this.cred, this.ino, t));
  }

  override fd_readdir_single(cookie: bigint): { ret: number; dirent: wasi.Dirent | null } {
    if (!this.has(RIGHTS.FD_READDIR)) return { ret: E.NOTCAPABLE, dirent: null };
    try {
      if (cookie === 0n || this.listing === null) this.listing = this.readListing();
    } catch (e) {
      return { ret: errnoOf(e), dirent: null };
    }
    if (cookie >= BigInt(this.listing.length)) return { ret: E.SUCCESS, dirent: null };
    const i = Number(cookie);
    const e = this.listing[i]!;
    return { ret: E.SUCCESS, dirent: new wasi.Dirent(BigInt(i + 1), BigInt(e.ino), e.name, wasiFiletype(e.type)) };
  }

  private readListing(): Array<Pick<DirEntry, 'name' | 'ino' | 'type'>> {
    const entries = this.fs.readdir(this.cred, this.ino);
    let parent = this.ino;
    try {
      parent = this.fs.lookup(this.cred, this.ino, '..', false);
    } catch {
      // `..` of a directory the caller cannot search: report the directory itself.
    }
    return [{ name: '.', ino: this.ino, type: 'dir' }, { name: '..', ino: parent, type: 'dir' }, ...entries];
  }

  override path_open(
    dirflags: number, path: string, oflags: number, rightsBase: bigint, rightsInheriting: bigint, fdflags: number,
  ): { ret: number; fd_obj: HostFd | null } {
    if (absolute(path)) return { ret: E.NOTCAPABLE, fd_obj: null };
    if (!this.has(RIGHTS.PATH_OPEN)) return { ret: E.NOTCAPABLE, fd_obj: null };
    const create = (oflags & wasi.OFLAGS_CREAT) !== 0;
    const truncate = (oflags & wasi.OFLAGS_TRUNC) !== 0;
    const directory = (oflags & wasi.OFLAGS_DIRECTORY) !== 0;
    if (create && !this.has(RIGHTS.PATH_CREATE_FILE)) return { ret: E.NOTCAPABLE, fd_obj: null };
    if (truncate && !this.has(RIGHTS.PATH_FILESTAT_SET_SIZE)) return { ret: E.NOTCAPABLE, fd_obj: null };
    if (directory && (create || truncate)) return { ret: E.INVAL, fd_obj: null };
    // Rights a new fd may hold are bounded by what this directory passes on.
    const base = rightsBase & this.rightsInheriting;
    const inheriting = rightsInheriting & this.rightsInheriting;
    const flags: OpenFlags = {
      read: (base & (RIGHTS.FD_READ | RIGHTS.FD_READDIR)) !== 0n,
      write: (base & RIGHTS.FD_WRITE) !== 0n,
      create,
      exclusive: (oflags & wasi.OFLAGS_EXCL) !== 0,
      truncate,
      directory,
      noFollow: (dirflags & LOOKUP_SYMLINK_FOLLOW) === 0,
    };
    let ino: Ino;
    try {
      ino = this.fs.open(this.cred, this.ino, path, flags, 0o666 & ~this.proc.umask);
    } catch (e) {
      return { ret: errnoOf(e), fd_obj: null };
    }
    try {
      const st = this.fs.stat(ino);
      switch (st.type) {
        case 'dir':
          return { ret: E.SUCCESS, fd_obj: new DirFd(this.proc, ino, base & DIR_RIGHTS, inheriting) };
        case 'file':
          return { ret: E.SUCCESS, fd_obj: new FileFd(this.proc, ino, base & FILE_RIGHTS, inheriting, fdflags) };
        case 'char': {
          const dev = DeviceFd.open(this.proc, ino, st, base, fdflags);
          if (dev) return { ret: E.SUCCESS, fd_obj: dev };
          break;
        }
        default:
          break;
      }
      // Block devices, fifos and unknown character devices have nothing behind them here.
      this.fs.close(ino);
      return { ret: E.NXIO, fd_obj: null };
    } catch (e) {
      try {
        this.fs.close(ino);
      } catch {
        // already released
      }
      return { ret: errnoOf(e), fd_obj: null };
    }
  }

  override path_filestat_get(flags: number, path: string): { ret: number; filestat: Filestat | null } {
    if (absolute(path)) return { ret: E.NOTCAPABLE, filestat: null };
    if (!this.has(RIGHTS.PATH_FILESTAT_GET)) return { ret: E.NOTCAPABLE, filestat: null };
    try {
      const ino = this.fs.lookup(this.cred, this.ino, path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      return { ret: E.SUCCESS, filestat: filestatOf(this.fs.stat(ino)) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }

  override path_filestat_set_times(flags: number, path: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    if (absolute(path)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_FILESTAT_SET_TIMES)) return E.NOTCAPABLE;
    const t = timesOf(atim, mtim, fstFlags);
    if (typeof t === 'number') return t;
    return this.attempt(() => {
      const ino = this.fs.lookup(this.cred, this.ino, path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      this.fs.setattr(this.cred, ino, t);
    });
  }

  override path_create_directory(path: string): number {
    if (absolute(path)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_CREATE_DIRECTORY)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.mkdir(this.cred, this.ino, path, 0o777 & ~this.proc.umask));
  }

  override path_readlink(path: string): { ret: number; data: string | null } {
    if (absolute(path)) return { ret: E.NOTCAPABLE, data: null };
    if (!this.has(RIGHTS.PATH_READLINK)) return { ret: E.NOTCAPABLE, data: null };
    try {
      return { ret: E.SUCCESS, data: this.fs.readlink(this.cred, this.ino, path) };
    } catch (e) {
      return { ret: errnoOf(e), data: null };
    }
  }

  override path_remove_directory(path: string): number {
    if (absolute(path)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_REMOVE_DIRECTORY)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.rmdir(this.cred, this.ino, path));
  }

  override path_unlink_file(path: string): number {
    if (absolute(path)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_UNLINK_FILE)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.unlink(this.cred, this.ino, path));
  }

  /** path_symlink: the shim has no fd method for it (its import answers NOTSUP). */
  symlink(target: string, path: string): number {
    if (absolute(path)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_SYMLINK)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.symlink(this.cred, target, this.ino, path));
  }

  /** path_link: the shim links its own inode objects; here the filesystem does it. */
  linkTo(oldPath: string, follow: boolean, newDir: DirFd, newPath: string): number {
    if (absolute(oldPath) || absolute(newPath)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_LINK_SOURCE) || !newDir.has(RIGHTS.PATH_LINK_TARGET)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.link(this.cred, this.ino, oldPath, newDir.ino, newPath, follow));
  }

  /** path_rename: the shim unlinks and relinks inode objects; here it is one filesystem call. */
  renameTo(oldPath: string, newDir: DirFd, newPath: string): number {
    if (absolute(oldPath) || absolute(newPath)) return E.NOTCAPABLE;
    if (!this.has(RIGHTS.PATH_RENAME_SOURCE) || !newDir.has(RIGHTS.PATH_RENAME_TARGET)) return E.NOTCAPABLE;
    return this.attempt(() => this.fs.rename(this.cred, this.ino, oldPath, newDir.ino, newPath));
  }

  private attempt(f: () => unknown): number {
    try {
      f();
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }
}
