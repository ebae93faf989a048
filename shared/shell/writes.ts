/**
 * Ordered writes. The shell sometimes must emit a message synchronously (an expansion
 * error deep inside a word) while other writes to the same stream are in flight; every
 * write therefore goes through a per-writer chain, which also lets the shell wait for
 * its output to land before it closes a file or starts a process on the same stream.
 */
import type { Writer } from './host.ts';

const chains = new WeakMap<Writer, Promise<void>>();

/** Queues bytes after every earlier queued write to the same writer. */
export function queueWrite(w: Writer, bytes: Uint8Array): Promise<void> {
  const prev = chains.get(w) ?? Promise.resolve();
  const next = prev.then(() => w.write(bytes));
  chains.set(
    w,
    next.catch(() => {}),
  );
  return next;
}

/** Resolves once every write queued so far has finished (successfully or not). */
export async function drain(w: Writer): Promise<void> {
  await chains.get(w);
}

/** Drains, then closes. */
export async function closeWriter(w: Writer): Promise<void> {
  await drain(w);
  await w.close();
}
