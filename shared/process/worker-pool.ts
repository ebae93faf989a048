/**
 * Warm process workers. Starting a worker costs milliseconds (tens in a browser), so a
 * few are kept started and idle, each with its channel buffer; a process takes one, and
 * gives it back when it exits normally. A worker whose process was killed is terminated
 * and replaced in the background.
 */
import type { FromWorker, WorkerHandle } from './protocol.ts';
import { ModuleSlots } from './module-slots.ts';
import { createChannelBuffer, DEFAULT_CHANNEL_BYTES } from './sab-channel.ts';

export type WorkerFactory = () => WorkerHandle;

export interface WorkerPoolOptions {
  /** Idle workers kept ready. Default 2. */
  warm?: number;
  /** Idle workers kept at most (finished processes give theirs back). Default max(warm, 4). */
  maxIdle?: number;
  /** Bytes of each worker's channel buffer (largest single answer). Default 1 MiB. */
  channelBytes?: number;
  /**
   * Whether a worker taken by a process is replaced at once, keeping `warm` idle. Default
   * true. Without, more workers start only when more processes run at once, and finished
   * ones are kept (up to `maxIdle`): a command-line process that runs one program boots
   * one worker, not two, on cores it shares with that program.
   */
  refill?: boolean;
}

/** A worker lent to one process. */
export class PooledWorker {
  private listener: ((m: FromWorker) => void) | null = null;
  private errorListener: ((e: Error) => void) | null = null;
  dead = false;
  /** The modules this worker holds (mirrors the worker's own slots). */
  readonly modules = new ModuleSlots<never>();

  constructor(
    readonly handle: WorkerHandle,
    readonly sab: SharedArrayBuffer,
  ) {
    handle.onMessage((m) => this.listener?.(m));
    handle.onError((e) => {
      this.dead = true;
      this.errorListener?.(e);
    });
  }

  listen(onMessage: ((m: FromWorker) => void) | null, onError: ((e: Error) => void) | null): void {
    this.listener = onMessage;
    this.errorListener = onError;
  }
}

export class WorkerPool {
  private readonly idle: PooledWorker[] = [];
  private readonly lent = new Set<PooledWorker>();
  private readonly warm: number;
  private readonly maxIdle: number;
  private readonly channelBytes: number;
  private closed = false;
  private created = 0;
  private readonly refills: boolean;

  constructor(
    private readonly factory: WorkerFactory,
    opts: WorkerPoolOptions = {},
  ) {
    this.warm = opts.warm ?? 2;
    this.maxIdle = Math.max(this.warm, opts.maxIdle ?? 4);
    this.channelBytes = opts.channelBytes ?? DEFAULT_CHANNEL_BYTES;
    this.refills = opts.refill ?? true;
  }

  /** Workers started so far (for tests and benchmarks). */
  get started(): number {
    return this.created;
  }
  get idleCount(): number {
    return this.idle.length;
  }

  private make(): PooledWorker {
    this.created++;
    return new PooledWorker(this.factory(), createChannelBuffer(this.channelBytes));
  }

  /** Start idle workers up to the warm count. */
  prewarm(): void {
    while (!this.closed && this.idle.length < this.warm) this.idle.push(this.make());
  }

  /** A worker for a process: an idle one when there is one. Messages posted before it is up are queued. */
  acquire(): PooledWorker {
    if (this.closed) throw new Error('worker pool is closed');
    let w = this.idle.pop();
    while (w && w.dead) w = this.idle.pop();
    w ??= this.make();
    this.lent.add(w);
    w.handle.busy?.(true);
    if (this.idle.length < this.warm) this.refill();
    return w;
  }

  /** Replace taken workers, after the caller has posted its job. */
  private refill(): void {
    if (this.refills) queueMicrotask(() => this.prewarm());
  }

  /** Give back a worker whose process ended normally. */
  release(w: PooledWorker): void {
    this.lent.delete(w);
    w.listen(null, null);
    w.handle.busy?.(false);
    if (this.closed || w.dead || this.idle.length >= this.maxIdle) {
      w.handle.terminate();
      return;
    }
    this.idle.push(w);
  }

  /** Terminate a worker (its process was killed); a fresh one takes its place. */
  discard(w: PooledWorker): void {
    this.lent.delete(w);
    w.listen(null, null);
    w.dead = true;
    w.handle.terminate();
    if (!this.closed) this.refill();
  }

  /** Terminate every worker, idle or running a process (their processes never report back). */
  close(): void {
    this.closed = true;
    for (const w of this.idle.splice(0)) w.handle.terminate();
    for (const w of this.lent) {
      w.dead = true;
      w.handle.terminate();
    }
    this.lent.clear();
  }
}
