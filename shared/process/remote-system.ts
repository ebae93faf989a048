/**
 * The worker side of a process: a `WasiSystem` whose filesystem, streams and process
 * calls are requests over a `SyscallTransport` to the engine, which holds the
 * container's filesystem and the streams.
 */
import type { Cred, DirEntry, FsApi, Ino, OpenFlags, SetAttr, Stat, StatFs, FileType } from '../vfs/fs-api.ts';
import type { SpawnRequest, SpawnResult, WasiSystem } from '../wasi/system.ts';
import type { SyscallTransport } from './channel.ts';

/** FsApi methods a worker may call on the engine's filesystem. */
export const REMOTE_FS_METHODS = [
  'lookup', 'stat', 'open', 'close', 'read', 'write', 'readdir', 'mkdir', 'mknod', 'symlink',
  'readlink', 'link', 'unlink', 'rmdir', 'rename', 'setattr', 'access',
] as const;

export class RemoteFs implements FsApi {
  constructor(
    private readonly t: SyscallTransport,
    /** Reads are capped to what one answer carries; a short read is a valid read. */
    private readonly maxRead: number,
  ) {}

  private fs(method: (typeof REMOTE_FS_METHODS)[number], ...args: unknown[]): unknown {
    return this.t.call('fs', [method, ...args]);
  }

  lookup(cred: Cred, dir: Ino, path: string, follow: boolean): Ino {
    return this.fs('lookup', cred, dir, path, follow) as Ino;
  }
  stat(ino: Ino): Stat {
    return this.fs('stat', ino) as Stat;
  }
  open(cred: Cred, dir: Ino, path: string, flags: OpenFlags, mode: number): Ino {
    return this.fs('open', cred, dir, path, flags, mode) as Ino;
  }
  close(ino: Ino): void {
    this.fs('close', ino);
  }
  read(ino: Ino, offset: number, length: number): Uint8Array {
    return this.fs('read', ino, offset, Math.min(length, this.maxRead)) as Uint8Array;
  }
  write(ino: Ino, offset: number, data: Uint8Array): number {
    return this.fs('write', ino, offset, data) as number;
  }
  readdir(cred: Cred, ino: Ino, cookie?: number): DirEntry[] {
    return this.fs('readdir', cred, ino, cookie) as DirEntry[];
  }
  mkdir(cred: Cred, dir: Ino, path: string, mode: number): Ino {
    return this.fs('mkdir', cred, dir, path, mode) as Ino;
  }
  mknod(cred: Cred, dir: Ino, path: string, type: FileType, mode: number, rdev?: { major: number; minor: number }): Ino {
    return this.fs('mknod', cred, dir, path, type, mode, rdev) as Ino;
  }
  symlink(cred: Cred, target: string, dir: Ino, path: string): Ino {
    return this.fs('symlink', cred, target, dir, path) as Ino;
  }
  readlink(cred: Cred, dir: Ino, path: string): string {
    return this.fs('readlink', cred, dir, path) as string;
  }
  link(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string, follow: boolean): void {
    this.fs('link', cred, oldDir, oldPath, newDir, newPath, follow);
  }
  unlink(cred: Cred, dir: Ino, path: string): void {
    this.fs('unlink', cred, dir, path);
  }
  rmdir(cred: Cred, dir: Ino, path: string): void {
    this.fs('rmdir', cred, dir, path);
  }
  rename(cred: Cred, oldDir: Ino, oldPath: string, newDir: Ino, newPath: string): void {
    this.fs('rename', cred, oldDir, oldPath, newDir, newPath);
  }
  setattr(cred: Cred, ino: Ino, attr: SetAttr): void {
    this.fs('setattr', cred, ino, attr);
  }
  access(cred: Cred, ino: Ino, want: number): boolean {
    return this.fs('access', cred, ino, want) as boolean;
  }
}

/** Sleep without spinning: wait on a flag nobody ever sets. */
function blockingSleep(t: SyscallTransport): (ms: number) => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (ms) => {
    if (ms <= 0) return;
    t.idle?.(ms);
    Atomics.wait(cell, 0, 0, ms);
  };
}

export function remoteSystem(t: SyscallTransport, ids: { pid: number; ppid: number }, maxRead: number): WasiSystem {
  return {
    fs: new RemoteFs(t, maxRead),
    streams: {
      read: (id, max) => t.call('read', [id, Math.min(max, maxRead)]) as Uint8Array | null,
      write: (id, data) => {
        t.call('write', [id, data]);
      },
      poll: (list, timeoutMs) => t.call('poll', [list, timeoutMs]) as number[],
    },
    proc: {
      pid: ids.pid,
      ppid: ids.ppid,
      kill: (pid, sig) => t.call('kill', [pid, sig]) as number,
      spawn: (req: SpawnRequest) => t.call('spawn', [req]) as SpawnResult,
      statfs: (_cred: Cred, ino: Ino) => t.call('statfs', [ino]) as StatFs,
    },
    sleep: blockingSleep(t),
  };
}
