import type { TarWriteEntry } from '../tar/entry.ts';
import { cpuTime, type ProcessInfo } from '../process/process-table.ts';
import { SIGCONT, SIGKILL } from '../process/signals.ts';
import { pump, type ContainerExit, type ExecOptions, type RunningContainer, type Streams } from './container-host.ts';

/** One row of `top` / `ps` inside a container. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  uid: number;
  state: string;
  /** Milliseconds since the epoch. */
  started: number;
  memoryBytes: number;
  /** Milliseconds it has run (outside system calls); 0 for host applets, and from holders that do not say. */
  cpuMs: number;
  argv: string[];
}

/**
 * A running container as commands reach it, whether this process holds it or another
 * does (a detached container's monitor, later a server over a WebSocket): the same
 * operations either way.
 */
export interface ContainerHandle {
  readonly id: string;
  kill(signal: string): Promise<void>;
  /** Stop signal, then SIGKILL after `timeout` seconds; resolves with the exit status. */
  stop(timeout: number): Promise<number>;
  exec(opts: ExecOptions & { interactive?: boolean }, streams: Streams): Promise<number>;
  top(): Promise<ProcessRow[]>;
  /** Resolves with the exit status when the container stops. */
  wait(): Promise<number>;
  /**
   * Stream the container's output (and stdin when open) until it stops, or until `until`
   * settles (the one attached went away): then 130, and the container runs on.
   */
  attach(streams: Streams, until?: Promise<unknown>): Promise<number>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Save the running container's changes into the store now. */
  sync(): Promise<void>;
  /** `cp` into the running container: entries written below `dest` (a directory). */
  copyIn(dest: string, entries: AsyncIterable<TarWriteEntry>, opts: { keepOwners: boolean }): Promise<void>;
}

export function processRows(list: readonly ProcessInfo[]): ProcessRow[] {
  const now = performance.now();
  return list.map((p) => ({
    pid: p.pid,
    ppid: p.ppid,
    uid: p.cred.uid,
    state: p.state,
    started: p.startTime,
    memoryBytes: p.memoryBytes,
    cpuMs: cpuTime(p, now),
    argv: [...p.argv],
  }));
}

/** What `attach` resolves with when the one attached goes away first (as after Ctrl-C). */
export const DETACHED = 130;

/** The handle of a container this process runs. */
export class LocalHandle implements ContainerHandle {
  constructor(readonly running: RunningContainer) {}
  get id(): string {
    return this.running.id;
  }
  async kill(signal: string): Promise<void> {
    this.running.kill(signal);
  }
  async stop(timeout: number): Promise<number> {
    return (await this.running.stop(timeout)).status;
  }
  async exec(opts: ExecOptions, streams: Streams): Promise<number> {
    const p = await this.running.exec(opts, streams);
    return (await p.wait()).status;
  }
  async top(): Promise<ProcessRow[]> {
    return processRows(this.running.processes());
  }
  async wait(): Promise<number> {
    return (await this.running.done).status;
  }
  async attach(streams: Streams, until?: Promise<unknown>): Promise<number> {
    const off = this.running.addOutput(streams);
    // Input goes to the container's open stdin; the client's end does not close it (StdinOnce is off).
    if (streams.stdin && this.running.stdin) void pump(streams.stdin, this.running.stdin, false);
    try {
      const ended = this.running.done.then((x) => x.status);
      return await (until ? Promise.race([ended, until.then(() => DETACHED, () => DETACHED)]) : ended);
    } finally {
      off();
    }
  }
  async pause(): Promise<void> {
    this.running.pause();
  }
  async unpause(): Promise<void> {
    this.running.unpause();
  }
  sync(): Promise<void> {
    return this.running.sync();
  }
  copyIn(dest: string, entries: AsyncIterable<TarWriteEntry>, opts: { keepOwners: boolean }): Promise<void> {
    return this.running.copyIn(dest, entries, opts);
  }
}

export type { ContainerExit };
export { SIGKILL, SIGCONT };
