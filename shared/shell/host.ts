/**
 * What the shell needs from the machine that runs its processes. A container runtime
 * implements it (WASI workers in the browser, crun-backed processes on the backend);
 * tests implement it over node:child_process. The shell never touches a process or
 * a file except through these interfaces.
 *
 * Strings crossing this interface are ordinary JavaScript strings (paths, argv, env);
 * byte streams are Uint8Array chunks.
 */
import { LayerboxError, type ErrorKind } from '../errors.ts';

/** The read end of a byte stream: a process's stdin, a file, a pipe. */
export interface Reader {
  /**
   * The next bytes, at most `max` of them when given, or null at end of input.
   * A reader shared by several consumers (the shell's `read`, then a child process)
   * must not hand out more than was asked for, or the next consumer loses it.
   */
  read(max?: number): Promise<Uint8Array | null>;
  /**
   * Optional: give bytes back so the next read, by anyone, returns them first. With
   * it the shell's `read` takes whole chunks; without it, it reads byte by byte so
   * that it never consumes past the end of its line (as POSIX requires).
   */
  unread?(bytes: Uint8Array): void;
  /** Releases this end. Calling it twice is harmless. */
  close(): Promise<void>;
}

/** The write end of a byte stream. */
export interface Writer {
  /** Resolves once the bytes are accepted; rejects with BrokenPipeError when no reader remains. */
  write(bytes: Uint8Array): Promise<void>;
  /** Releases this end; a pipe's reader then sees end of input. Calling it twice is harmless. */
  close(): Promise<void>;
}

/** A file opened by the shell for a redirection: readable, writable or both. */
export interface OpenFile extends Reader, Writer {}

export interface Pipe {
  reader: Reader;
  writer: Writer;
}

export interface SpawnOptions {
  /** argv[0] is the command as written; the host searches PATH from `env` when it has no '/'. */
  argv: string[];
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  /** null: the descriptor is closed in the new process (as after `<&-`). */
  stdin: Reader | null;
  stdout: Writer | null;
  stderr: Writer | null;
  /** File-creation mask for the process (octal bits), as set by `umask`. */
  umask?: number;
}

export interface ProcessHandle {
  readonly pid: number;
  /** The exit status: the exit code, or 128 + signal number when killed by a signal. */
  wait(): Promise<number>;
  /**
   * Once wait() has resolved: the signal that killed the process, if one did (so the
   * shell can say "Terminated", as sh does, and tell it from a plain `exit 143`).
   */
  readonly signal?: number | null;
  /** Sends a signal (by number, e.g. 15 for SIGTERM). Harmless once the process has exited. */
  kill(signal: number): void;
}

export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'char' | 'block' | 'socket' | 'other';

export interface FileStat {
  type: FileType;
  /** Permission bits including setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Modification time in milliseconds since the epoch (for test -nt / -ot). */
  mtimeMs: number;
  /** Identity of the file (device and inode, or any unique key) for test -ef. */
  id: string;
}

export type OpenMode = 'r' | 'w' | 'a' | 'rw';

/** The file operations the shell performs itself. Paths are absolute. */
export interface ShellFs {
  /** Follows symlinks; null when nothing is there. */
  stat(path: string): Promise<FileStat | null>;
  /** Does not follow a final symlink; null when nothing is there. */
  lstat(path: string): Promise<FileStat | null>;
  /** Entry names, without '.' and '..'. Throws FsError when the directory cannot be read. */
  readdir(path: string): Promise<string[]>;
  /**
   * 'r' reads, 'w' creates or truncates, 'a' creates and appends, 'rw' creates
   * without truncating. `exclusive` fails with EEXIST when the file exists (noclobber).
   * `perm` is the permission for a new file, umask already applied. Throws FsError.
   */
  open(path: string, mode: OpenMode, options?: { exclusive?: boolean; perm?: number }): Promise<OpenFile>;
  /** Whether the caller may read (4), write (2) or execute/search (1) the path; 0 tests existence. */
  access(path: string, mode: number): Promise<boolean>;
  /** The path with every symlink, '.' and '..' resolved. Throws FsError. */
  realpath(path: string): Promise<string>;
}

export interface ShellHost {
  fs: ShellFs;
  /**
   * Starts a process. When the command cannot be run the host either throws
   * SpawnError (the shell then prints sh's message and uses status 127 or 126), or
   * returns a handle whose status is 127/126 after printing the message itself.
   */
  spawn(options: SpawnOptions): ProcessHandle | Promise<ProcessHandle>;
  /**
   * A connected pair. In 'sequential' mode it buffers everything written before the
   * reader starts; it may stop at a limit (see SEQUENTIAL_PIPE_LIMIT) past which
   * writes fail with BrokenPipeError, so that an endless producer such as `yes` in
   * `yes | head` ends as if its reader had closed.
   */
  pipe(): Pipe | Promise<Pipe>;
  /**
   * 'concurrent': every stage of a pipeline runs at once over bounded pipes.
   * 'sequential': for hosts that cannot block a process on a pipe; stages run one
   * after another, each stage's output fully buffered before the next starts.
   */
  readonly pipeMode: 'concurrent' | 'sequential';
  /** A fresh process id for a background job run by the shell itself (a subshell). */
  allocatePid?(): number;
  /** Signals a process the shell did not start (the `kill` builtin); false when there is none. */
  kill?(pid: number, signal: number): boolean;
}

/** The suggested cap on a 'sequential' pipe's buffer: 16 MiB. */
export const SEQUENTIAL_PIPE_LIMIT = 16 * 1024 * 1024;

/** Why a command could not be started. */
export type SpawnFailure = 'not-found' | 'not-executable';

/** Thrown by ShellHost.spawn when a command cannot be started. */
export class SpawnError extends LayerboxError {
  override readonly kind: ErrorKind;
  constructor(
    readonly command: string,
    readonly reason: SpawnFailure,
  ) {
    super(`${command}: ${reason === 'not-found' ? 'not found' : 'Permission denied'}`);
    this.kind = reason === 'not-found' ? 'NotFound' : 'FailedPrecondition';
  }
}

/** POSIX error names the shell turns into sh's messages. */
export type Errno = 'ENOENT' | 'EACCES' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'ELOOP' | 'EROFS' | 'ENOSPC' | 'EIO' | 'EINVAL';

/** Thrown by ShellFs operations. */
export class FsError extends LayerboxError {
  override readonly kind: ErrorKind;
  constructor(
    readonly code: Errno,
    readonly path: string,
  ) {
    super(`${path}: ${strerror(code)}`);
    this.kind = code === 'ENOENT' ? 'NotFound' : code === 'EEXIST' ? 'AlreadyExists' : code === 'EINVAL' ? 'InvalidArgument' : 'FailedPrecondition';
  }
}

/** Thrown by Writer.write when the read end of a pipe has gone: the writer dies of SIGPIPE. */
export class BrokenPipeError extends LayerboxError {
  override readonly kind = 'Unavailable' as const;
  constructor() {
    super('broken pipe');
  }
}

/** The C library's wording for each error, as sh prints it. */
export function strerror(code: Errno): string {
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EEXIST':
      return 'File exists';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'ELOOP':
      return 'Symbolic link loop';
    case 'EROFS':
      return 'Read-only file system';
    case 'ENOSPC':
      return 'No space left on device';
    case 'EIO':
      return 'I/O error';
    case 'EINVAL':
      return 'Invalid argument';
  }
}
