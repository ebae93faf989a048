/**
 * Byte streams between processes, the terminal and the engine. The same two small
 * interfaces serve every end: a process's stdin is a `ByteReader`, its stdout and stderr
 * are `ByteWriter`s, whether they are a terminal, a pipe, a file or a buffer in a test.
 *
 * Ownership: a stream handed to `spawn` stays the caller's unless it has `retain()`
 * (pipe ends do); then the process takes a reference for its lifetime and `close()`s it
 * when it exits, so a pipe's reader sees end of stream once every writer is gone.
 */
export interface ByteReader {
  /** The next bytes, or null at end of stream. */
  read(): Promise<Uint8Array | null>;
  close(): void;
  /** Take one more reference: each holder calls `close()` once. */
  retain?(): void;
}

export interface ByteWriter {
  /** Resolves when the bytes are accepted (a full pipe waits). Rejects with `BrokenPipeError` when nobody reads. */
  write(bytes: Uint8Array): Promise<void>;
  close(): void;
  retain?(): void;
}

export interface Stdio {
  stdin?: ByteReader;
  stdout?: ByteWriter;
  stderr?: ByteWriter;
  /** The streams are a terminal (`docker run -t`). */
  tty?: boolean;
}

/** Writing to a pipe without readers (EPIPE). */
export class BrokenPipeError extends Error {
  readonly code = 'EPIPE';
  constructor() {
    super('broken pipe');
  }
}

/** A reader at end of stream and a writer that discards (`/dev/null`). */
export const EMPTY_READER: ByteReader = { read: async () => null, close() {} };
export const NULL_WRITER: ByteWriter = { write: async () => {}, close() {} };

/** A writer that keeps everything (tests, captured output). */
export class CollectingWriter implements ByteWriter {
  private chunks: Uint8Array[] = [];
  closed = false;
  async write(bytes: Uint8Array): Promise<void> {
    this.chunks.push(bytes.slice());
  }
  close(): void {
    this.closed = true;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** A reader over fixed bytes. */
export function bytesReader(data: Uint8Array | string): ByteReader {
  let left: Uint8Array | null = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    async read() {
      const out = left && left.length ? left : null;
      left = null;
      return out;
    },
    close() {
      left = null;
    },
  };
}
