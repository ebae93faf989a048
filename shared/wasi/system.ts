/**
 * What a WASI process needs from the world besides its own memory: the container's
 * filesystem, its byte streams (terminal, pipes), a way to sleep, and the process calls
 * of the `layerbox` import module. Every call is synchronous, as WASI calls are. In a
 * worker these go to the engine over a channel (shared/process/channel.ts); a test or a
 * single-threaded host can implement them directly.
 */
import type { Cred, FsApi, Ino, StatFs } from '../vfs/fs-api.ts';

export type { StatFs };

/** One end of a stdio stream as a process sees it. Ids name streams in the process's `StreamHub`. */
export interface StreamRef {
  id: number;
  /** The stream is a terminal: fds on it are character devices and `isatty()` is true. */
  tty: boolean;
}

/** How a process reaches its byte streams; every call may block. */
export interface StreamHub {
  /** Up to `max` bytes, blocking until at least one is there; null at end of stream. */
  read(id: number, max: number): Uint8Array | null;
  /** All of `data`, blocking while the reader is behind. Throws an error with code EPIPE when no reader is left. */
  write(id: number, data: Uint8Array): void;
  /**
   * Which of `ids` can be read without blocking (data or end of stream), waiting up to
   * `timeoutMs` (null: forever, 0: just look) for at least one.
   */
  poll(ids: number[], timeoutMs: number | null): number[];
}

/** An fd of the parent as a spawned child inherits it (ABI.md `spawn`: fds 0, 1, 2). */
export type InheritedFd =
  | { kind: 'stream'; stream: StreamRef }
  | { kind: 'file'; ino: Ino; position: number; append: boolean; readable: boolean; writable: boolean }
  | { kind: 'closed' };

export interface SpawnRequest {
  argv: string[];
  /** null: inherit the caller's environment. */
  env: string[] | null;
  cwd: string;
  fds: InheritedFd[];
  umask: number;
}

export type SpawnResult =
  | { ok: true; status: number; /** Final offsets of inherited file fds, by fd number. */ positions: Array<number | null> }
  | { ok: false; errno: number };

/** The process-level calls (ABI.md). */
export interface ProcessCalls {
  readonly pid: number;
  readonly ppid: number;
  /** Send a signal; returns a WASI errno. May not return when it ends the caller itself. */
  kill(pid: number, sig: number): number;
  spawn(req: SpawnRequest): SpawnResult;
  statfs(cred: Cred, ino: Ino): StatFs;
}

export interface WasiSystem {
  fs: FsApi;
  streams: StreamHub;
  proc: ProcessCalls;
  /** Block the caller for `ms` milliseconds. */
  sleep(ms: number): void;
}

/** The mutable per-process state every fd of a process shares. */
export interface ProcessState {
  readonly sys: WasiSystem;
  readonly cred: Cred;
  umask: number;
  /** The controlling terminal's streams (what /dev/tty reads and writes), when the process has one. */
  readonly terminal?: { input: number; output: number };
}
