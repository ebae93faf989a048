/** Output is gathered into chunks of this size; larger pieces pass through uncopied. */
const CHUNK = 64 * 1024;
const DIRECT = 16 * 1024;

/**
 * Collects small pieces of output (headers, padding, small bodies) into chunks of
 * 64 KiB, so consumers see few, large chunks; pieces of 16 KiB or more are passed on
 * as they are, without a copy. A chunk once handed out is never written again.
 */
export class Gather {
  private buf = new Uint8Array(CHUNK);
  private n = 0;
  private ready: Uint8Array[] = [];

  put(b: Uint8Array): void {
    if (b.length >= DIRECT) {
      this.flush();
      this.ready.push(b);
      return;
    }
    if (this.n + b.length > CHUNK) this.flush();
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** Append `n` zero bytes. */
  zeros(n: number): void {
    while (n > 0) {
      if (n >= DIRECT) {
        const k = Math.min(n, 1 << 20);
        this.flush();
        this.ready.push(new Uint8Array(k));
        n -= k;
        continue;
      }
      if (this.n + n > CHUNK) this.flush();
      // A fresh buffer is zero-filled; a reused one was only written before `n`.
      this.buf.fill(0, this.n, this.n + n);
      this.n += n;
      n = 0;
    }
  }

  /** Hand out what is gathered so far. */
  flush(): void {
    if (!this.n) return;
    this.ready.push(this.buf.subarray(0, this.n));
    this.buf = new Uint8Array(CHUNK);
    this.n = 0;
  }

  /** The chunks ready to be yielded. */
  *drain(): Generator<Uint8Array> {
    while (this.ready.length) yield this.ready.shift()!;
  }
}
