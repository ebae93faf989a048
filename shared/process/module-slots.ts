/**
 * Which compiled modules a worker holds, kept alike on both sides of the worker's
 * channel: the engine sends a module to a worker only the first time, then names it by
 * key. Posting a compiled module costs the engine's thread most of a millisecond each
 * time (V8 shares the code between the threads under a lock), which for a short process
 * is a large part of its start. Both sides update the same bounded least-recently-used
 * set in the same order (one `touch` per job, jobs in order), so they agree on what the
 * worker holds without telling each other.
 */
export class ModuleSlots<T> {
  private readonly entries = new Map<string, T | true>();

  constructor(readonly capacity = 16) {}

  /** Mark `key` used; returns whether it was held already. `value` is kept when given. */
  touch(key: string, value?: T): boolean {
    const had = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, value ?? had ?? true);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return had !== undefined;
  }

  get(key: string): T | undefined {
    const v = this.entries.get(key);
    return v === true ? undefined : v;
  }
}
