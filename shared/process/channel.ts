/**
 * The seam between a process's worker and the engine. WASI calls are synchronous, the
 * engine's filesystem and streams live on another thread: the worker sends a request
 * and blocks until the answer is there. How it blocks is the transport's business
 * (SharedArrayBuffer + Atomics now; JSPI or copy-in/copy-out where a browser has no
 * shared memory), so the worker side sees only `SyscallTransport`.
 *
 * A call is an operation name and structured-clonable arguments. An answer is one
 * encoded value: JSON (BigInts kept), raw bytes, null, or an error with a POSIX code.
 */

export type SyscallOp = 'fs' | 'read' | 'write' | 'poll' | 'kill' | 'spawn' | 'statfs';

/** Worker side: one blocking call to the engine. Throws `RemoteError` when the call failed. */
export interface SyscallTransport {
  call(op: SyscallOp, args: unknown[]): unknown;
  /** Optional: tell the engine the caller waits `ms` on its own (a sleep), for its CPU time. */
  idle?(ms: number): void;
}

/** Engine side: delivers an answer to the worker waiting for it (and the rest of a long one). */
export interface ChannelServer {
  answer(e: Encoded): void;
  /** The worker asks for the next part of a long answer. */
  more(): void;
}

/** A failed call, carrying the POSIX code (so WASI maps it to an errno). */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const TAG_JSON = 0;
export const TAG_BYTES = 1;
export const TAG_NULL = 2;
export const TAG_ERROR = 3;

export interface Encoded {
  tag: number;
  payload: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? { $big: v.toString() } : v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && '$big' in v && Object.keys(v).length === 1) return BigInt((v as { $big: string }).$big);
  return v;
}

export function encodeValue(v: unknown): Encoded {
  if (v === null || v === undefined) return { tag: TAG_NULL, payload: new Uint8Array() };
  if (v instanceof Uint8Array) return { tag: TAG_BYTES, payload: v };
  return { tag: TAG_JSON, payload: enc.encode(JSON.stringify(v, replacer)) };
}

export function encodeError(err: unknown): Encoded {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return { tag: TAG_ERROR, payload: enc.encode(JSON.stringify({ code: typeof code === 'string' ? code : 'EIO', message })) };
}

export function decodeValue(tag: number, payload: Uint8Array): unknown {
  switch (tag) {
    case TAG_NULL: return null;
    case TAG_BYTES: return payload;
    case TAG_JSON: return JSON.parse(dec.decode(payload), reviver);
    case TAG_ERROR: {
      const e = JSON.parse(dec.decode(payload)) as { code: string; message: string };
      throw new RemoteError(e.code, e.message);
    }
    default: throw new RemoteError('EIO', `channel: unknown answer tag ${tag}`);
  }
}
