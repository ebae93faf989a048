import { FailedPreconditionError, InvalidArgumentError } from '../errors.ts';
import type { ByteStream } from '../host.ts';

const EMPTY = new Uint8Array(0);

/**
 * A copy in a fresh, plain Uint8Array. (Not `.slice()`: on a Node Buffer, which is
 * what Node streams yield, `slice` returns a view that shares the caller's memory.)
 */
export function copy(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(b.subarray(start, end));
  return out;
}

/**
 * A pull reader over a byte stream that hands out views of the incoming chunks, so
 * bodies pass through without copies, and assembles fixed-size pieces (header blocks)
 * across chunk boundaries. Not safe for overlapping calls: one read at a time.
 */
export class ByteSource {
  /** Bytes handed out so far: the stream offset of the next byte. */
  offset = 0;
  private it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  private ended = false;
  private busy = false;

  constructor(src: ByteStream | Iterable<Uint8Array>) {
    const a = (src as ByteStream)[Symbol.asyncIterator];
    this.it = a ? a.call(src) : (src as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  /** Up to `n` (> 0) bytes as a view of the current chunk; null at the end of the stream. */
  async readUpTo(n: number): Promise<Uint8Array | null> {
    if (this.pos >= this.buf.length && !(await this.fill())) return null;
    const take = Math.min(n, this.buf.length - this.pos);
    const out = this.buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.offset += take;
    return out;
  }

  /** Exactly `n` bytes in a fresh buffer, or fewer when the stream ends first. */
  async readExact(n: number): Promise<Uint8Array> {
    if (this.buf.length - this.pos >= n) {
      const out = copy(this.buf, this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = await this.readUpTo(n - got);
      if (c === null) return out.subarray(0, got);
      out.set(c, got);
      got += c.length;
    }
    return out;
  }

  /** Release the underlying stream early (it may hold a file open). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.it.return?.();
  }

  private async fill(): Promise<boolean> {
    if (this.busy) throw new FailedPreconditionError('tar: overlapping reads (read one body at a time, in order)');
    this.busy = true;
    try {
      while (this.pos >= this.buf.length) {
        if (this.ended) return false;
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          this.buf = EMPTY;
          this.pos = 0;
          return false;
        }
        if (!(r.value instanceof Uint8Array)) throw new InvalidArgumentError('tar: source yielded a chunk that is not a Uint8Array');
        this.buf = r.value;
        this.pos = 0;
      }
      return true;
    } finally {
      this.busy = false;
    }
  }
}
