/**
 * One process of a container as the engine holds it: its table entry, its exit, its
 * streams, what it opened, the worker it runs in, and its stopped state.
 */
import type { Ino } from '../vfs/fs-api.ts';
import type { BufferedReader } from './buffered-reader.ts';
import type { ChannelServer } from './channel.ts';
import type { ExitStatus, ProcessInfo } from './process-table.ts';
import type { ProcessRuntime } from './runtime.ts';
import { SIGTERM } from './signals.ts';
import type { ByteWriter } from './stdio.ts';
import type { PooledWorker } from './worker-pool.ts';

/** One stdio stream as the engine holds it for processes that share it. */
export interface StreamEntry {
  reader?: BufferedReader;
  writer?: ByteWriter;
  tty: boolean;
  /** Reference-counted: each process holding it retains it and closes it on exit. */
  shared: boolean;
}

/** A running (or finished) process. */
export class Process {
  readonly exited: Promise<ExitStatus>;
  private resolveExit!: (e: ExitStatus) => void;
  done = false;
  /** Final offsets of inherited file fds 0..2. */
  positions: Array<number | null> = [null, null, null];
  /** Streams by id, as the process's fds name them. */
  readonly streams = new Map<number, StreamEntry>();
  /** Inodes opened through the channel and not closed yet (released at exit). */
  readonly opened = new Map<Ino, number>();
  worker: PooledWorker | null = null;
  server: ChannelServer | null = null;
  signalHandler: ((sig: number) => void) | null = null;
  /** Which signals the applet handles itself (all when absent); pid 1 gets only those. */
  handlesSignal: ((sig: number) => boolean) | null = null;
  private resume: (() => void) | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly runtime: ProcessRuntime,
    readonly info: ProcessInfo,
    readonly umask: number,
  ) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  get pid(): number {
    return this.info.pid;
  }

  wait(): Promise<ExitStatus> {
    return this.exited;
  }

  /** Send a signal (Linux number, default SIGTERM). */
  kill(sig = SIGTERM): void {
    this.runtime.signal(this, sig);
  }

  /** @internal */
  stop(): void {
    if (this.stopped) return;
    this.stopped = new Promise((r) => (this.resume = r));
    this.info.state = 'T';
  }
  /** @internal */
  cont(): void {
    if (!this.stopped) return;
    this.stopped = null;
    this.info.state = 'R';
    this.resume?.();
  }
  /** @internal Resolves when the process is not stopped. */
  whileStopped(): Promise<void> | null {
    return this.stopped;
  }
  /** @internal */
  settle(e: ExitStatus): void {
    this.resolveExit(e);
  }
}

