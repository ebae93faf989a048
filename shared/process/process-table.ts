/**
 * A container's processes: pids from 1 upwards (never reused while the container runs),
 * parent, argv, environment, working directory, credentials, state and start time. An
 * entry leaves the table when its process has exited and been waited for (the runtime
 * waits for every process itself, so no zombies linger).
 */
import type { Cred } from '../vfs/fs-api.ts';

/** ps(1) state letters: running, sleeping in a call, stopped, exited but not yet removed. */
export type ProcessState = 'R' | 'S' | 'T' | 'Z';

export interface ExitStatus {
  /** As a shell reports it: the exit code, or 128 + the signal. */
  status: number;
  /** The signal that ended the process, if one did. */
  signal?: number;
  /** Ended by running out of its memory limit (status 137). */
  oom?: boolean;
  /** Why it ended abnormally (a trap, an out-of-memory), for logs. */
  message?: string;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: readonly string[];
  env: readonly string[];
  cwd: string;
  /** The file that runs (the interpreter for a `#!` script). */
  exe: string;
  cred: Cred;
  /** The umask the process started with. */
  umask: number;
  state: ProcessState;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** `wasm` runs in a worker; `host` is a host applet (the shell). */
  kind: 'wasm' | 'host';
  /** Bytes of linear memory, when known. */
  memoryBytes: number;
  /**
   * Milliseconds the program ran before its current stretch: the time its worker spent
   * outside system calls, as the engine sees calls come and answers go (wasm only).
   */
  cpuMs: number;
  /** `performance.now()` when its worker last resumed running it; unset while it waits for a system call. */
  runningSince?: number;
  exit?: ExitStatus;
}

/** Milliseconds `p` has run so far, its current stretch included. */
export function cpuTime(p: ProcessInfo, now = performance.now()): number {
  return p.cpuMs + (p.runningSince !== undefined ? Math.max(0, now - p.runningSince) : 0);
}

/** Close the process's current stretch of running (it made a system call, or ended). */
export function stopRunning(p: ProcessInfo, now = performance.now()): void {
  p.cpuMs = cpuTime(p, now);
  delete p.runningSince;
}

export class ProcessTable {
  private nextPid = 1;
  private readonly procs = new Map<number, ProcessInfo>();
  /** Milliseconds since the epoch when the table (the container) started. */
  readonly bootTime: number;

  constructor(now: number) {
    this.bootTime = now;
  }

  add(p: Omit<ProcessInfo, 'pid' | 'state' | 'memoryBytes' | 'cpuMs'>): ProcessInfo {
    const info: ProcessInfo = { ...p, pid: this.nextPid++, state: 'R', memoryBytes: 0, cpuMs: 0 };
    this.procs.set(info.pid, info);
    return info;
  }

  get(pid: number): ProcessInfo | undefined {
    return this.procs.get(pid);
  }

  remove(pid: number): void {
    this.procs.delete(pid);
  }

  /** Live processes by pid. */
  list(): ProcessInfo[] {
    return [...this.procs.values()].sort((a, b) => a.pid - b.pid);
  }

  get count(): number {
    return this.procs.size;
  }
}
