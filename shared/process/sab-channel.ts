/**
 * The SharedArrayBuffer transport. The worker posts `{t: 'call'}` and sleeps in
 * Atomics.wait on the buffer's flag; the engine writes the answer into the buffer, sets
 * the flag and notifies. An answer larger than the buffer comes in parts: the worker
 * asks for each next part with `{t: 'more'}`.
 *
 * Layout: Int32 flag (0 waiting, 1 answered), Int32 tag, Int32 total length, Int32 part
 * length, then the part's bytes.
 *
 * Only the flag says an answer is there, never a wake-up: the engine sets the flag, then
 * notifies, and a pause between the two (a garbage collection) lets the worker see the
 * flag, return, and be waiting for its next call when that earlier notify arrives.
 */
import { decodeValue, type ChannelServer, type Encoded, type SyscallOp, type SyscallTransport } from './channel.ts';

const HEADER = 16;
export const DEFAULT_CHANNEL_BYTES = 1 << 20;

export function createChannelBuffer(bytes = DEFAULT_CHANNEL_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER + bytes);
}

export interface CallMessage {
  t: 'call';
  op: SyscallOp;
  args: unknown[];
  /** The caller's linear memory size in bytes, for ps and /proc. */
  mem: number;
}
export interface MoreMessage {
  t: 'more';
}
/** The worker waits on its own for `ms` (a sleep), running nothing: for CPU time. */
export interface IdleMessage {
  t: 'idle';
  ms: number;
  mem: number;
}

export class SabClient implements SyscallTransport {
  private readonly flag: Int32Array;
  private readonly data: Uint8Array;

  constructor(
    sab: SharedArrayBuffer,
    private readonly post: (m: CallMessage | MoreMessage | IdleMessage) => void,
    private readonly memoryBytes: () => number = () => 0,
  ) {
    this.flag = new Int32Array(sab, 0, 4);
    this.data = new Uint8Array(sab, HEADER);
  }

  /** The largest answer that fits in one part (reads are capped to it). */
  get capacity(): number {
    return this.data.length;
  }

  /** Blocks until the engine has set the flag (a wake-up alone is no answer: see above). */
  private awaitAnswer(): void {
    while (Atomics.load(this.flag, 0) === 0) Atomics.wait(this.flag, 0, 0);
  }

  idle(ms: number): void {
    this.post({ t: 'idle', ms, mem: this.memoryBytes() });
  }

  call(op: SyscallOp, args: unknown[]): unknown {
    Atomics.store(this.flag, 0, 0);
    this.post({ t: 'call', op, args, mem: this.memoryBytes() });
    this.awaitAnswer();
    const tag = this.flag[1]!;
    const total = this.flag[2]!;
    let part = this.flag[3]!;
    if (part === total) return decodeValue(tag, this.data.slice(0, total));
    const all = new Uint8Array(total);
    let at = 0;
    for (;;) {
      all.set(this.data.subarray(0, part), at);
      at += part;
      if (at >= total) break;
      Atomics.store(this.flag, 0, 0);
      this.post({ t: 'more' });
      this.awaitAnswer();
      part = this.flag[3]!;
    }
    return decodeValue(tag, all);
  }
}

/** Engine side of one worker's channel. */
export class SabServer implements ChannelServer {
  private readonly flag: Int32Array;
  private readonly data: Uint8Array;
  private rest: { tag: number; payload: Uint8Array; at: number } | null = null;

  constructor(sab: SharedArrayBuffer) {
    this.flag = new Int32Array(sab, 0, 4);
    this.data = new Uint8Array(sab, HEADER);
  }

  answer(e: Encoded): void {
    this.rest = { tag: e.tag, payload: e.payload, at: 0 };
    this.sendPart();
  }

  /** The worker asks for the next part of a long answer. */
  more(): void {
    if (this.rest) this.sendPart();
  }

  private sendPart(): void {
    const r = this.rest!;
    const n = Math.min(this.data.length, r.payload.length - r.at);
    this.data.set(r.payload.subarray(r.at, r.at + n));
    r.at += n;
    if (r.at >= r.payload.length) this.rest = null;
    this.flag[1] = r.tag;
    this.flag[2] = r.payload.length;
    this.flag[3] = n;
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }
}
