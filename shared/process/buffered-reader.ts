/**
 * A `ByteReader` with a buffer, so a process can read fewer bytes than a chunk holds and
 * poll for readiness with a timeout. Every process (and the shell) sharing one source
 * shares one buffer through `buffered()`, so bytes one reader left are the next reader's.
 */
import type { ByteReader } from './stdio.ts';

export class BufferedReader implements ByteReader {
  private chunks: Uint8Array[] = [];
  private eof = false;
  private filling: Promise<void> | null = null;

  constructor(readonly source: ByteReader) {}

  /** Something can be read without waiting (data or end of stream). */
  get readable(): boolean {
    return this.chunks.length > 0 || this.eof;
  }

  private fill(): Promise<void> {
    this.filling ??= this.source.read().then(
      (c) => {
        this.filling = null;
        if (c === null) this.eof = true;
        else if (c.length) this.chunks.push(c);
      },
      () => {
        this.filling = null;
        this.eof = true;
      },
    );
    return this.filling;
  }

  /** Up to `max` bytes, waiting for at least one; null at end of stream. */
  async readUpTo(max: number): Promise<Uint8Array | null> {
    while (this.chunks.length === 0 && !this.eof) await this.fill();
    const c = this.chunks[0];
    if (!c) return null;
    if (c.length <= max) {
      this.chunks.shift();
      return c;
    }
    this.chunks[0] = c.subarray(max);
    return c.subarray(0, max);
  }

  read(): Promise<Uint8Array | null> {
    return this.readUpTo(Number.MAX_SAFE_INTEGER);
  }

  /** Wait up to `timeoutMs` (null: forever) until something is readable. */
  async waitReadable(timeoutMs: number | null): Promise<boolean> {
    if (this.readable) return true;
    const filled = this.fill();
    if (timeoutMs === null) {
      while (!this.readable) await this.fill();
      return true;
    }
    if (timeoutMs <= 0) return false;
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([filled, timeout]);
    clearTimeout(timer);
    return this.readable;
  }

  retain(): void {
    this.source.retain?.();
  }

  close(): void {
    this.source.close();
  }
}

const shared = new WeakMap<ByteReader, BufferedReader>();

/** The one buffered view of `r` (r itself when it is one already). */
export function buffered(r: ByteReader): BufferedReader {
  if (r instanceof BufferedReader) return r;
  let b = shared.get(r);
  if (!b) shared.set(r, (b = new BufferedReader(r)));
  return b;
}
