/** Messages between the engine and a process worker. */
import type { Cred } from '../vfs/fs-api.ts';
import type { InheritedFd } from '../wasi/system.ts';
import type { CallMessage, IdleMessage, MoreMessage } from './sab-channel.ts';
import type { WasmModule } from './wasm-api.ts';

/** Everything a worker needs to run one process. */
export interface RunJob {
  /** The program's module: sent the first time this worker runs it, else named by `moduleKey` (module-slots.ts). */
  module?: WasmModule;
  moduleKey: string;
  argv: string[];
  env: string[];
  cred: Cred;
  umask: number;
  pid: number;
  ppid: number;
  stdio: [InheritedFd, InheritedFd, InheritedFd];
  terminal?: { input: number; output: number };
  /** The worker's channel buffer (sent with each job; it is the same one every time). */
  sab: SharedArrayBuffer;
  /** The `-m` limit in bytes, to tell an out-of-memory end from another trap. */
  memoryLimit: number | null;
}

export interface ExitMessage {
  t: 'exit';
  status: number;
  signal?: number;
  oom?: boolean;
  message?: string;
  /** Final offsets of inherited file fds 0..2 (null for other fds). */
  positions: Array<number | null>;
}

export type ToWorker = { t: 'run'; job: RunJob };
export type FromWorker = CallMessage | MoreMessage | IdleMessage | ExitMessage;

/** How the engine talks to one worker (Web Worker or worker_threads); adapters live at the edges. */
export interface WorkerHandle {
  post(msg: ToWorker): void;
  /** Set the one listener for the worker's messages. */
  onMessage(cb: (msg: FromWorker) => void): void;
  /** An uncaught error in the worker, or its unexpected end. */
  onError(cb: (err: Error) => void): void;
  terminate(): void;
  /** Whether the worker runs a process (a host may keep itself alive only while one does). */
  busy?(running: boolean): void;
}

/** How a worker script talks to the engine. */
export interface WorkerEndpoint {
  post(msg: FromWorker): void;
  onMessage(cb: (msg: ToWorker) => void): void;
}
