/**
 * In-memory byte streams for hosts without operating-system pipes (browsers, tests):
 * a pipe with optional back-pressure, a reader over fixed bytes and a collecting writer.
 */
import { BrokenPipeError, type Pipe, type Reader, type Writer } from './host.ts';

type Waiter = () => void;

/**
 * A pipe held in memory. With a finite `capacity` a write waits while more than
 * `capacity` bytes are unread ('concurrent' hosts); without one it never waits
 * ('sequential' hosts), and `limit` bytes unread make writes fail as if the reader
 * had gone. Reads never return more than asked and support unread.
 */
export function memoryPipe(capacity = Infinity, limit = Infinity): Pipe {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let writerClosed = false;
  let readerClosed = false;
  let readWaiters: Waiter[] = [];
  let writeWaiters: Waiter[] = [];
  const wake = (list: Waiter[]): Waiter[] => {
    for (const w of list) w();
    return [];
  };

  const reader: Reader = {
    async read(max?: number) {
      while (size === 0) {
        if (writerClosed || readerClosed) return null;
        await new Promise<void>((resolve) => readWaiters.push(resolve));
      }
      const head = chunks[0]!;
      const n = max === undefined ? head.length : Math.max(1, Math.min(max, head.length));
      let out: Uint8Array;
      if (n === head.length) {
        chunks.shift();
        out = head;
      } else {
        out = head.subarray(0, n);
        chunks[0] = head.subarray(n);
      }
      size -= out.length;
      if (size <= capacity) writeWaiters = wake(writeWaiters);
      return out;
    },
    unread(bytes: Uint8Array) {
      if (bytes.length === 0) return;
      chunks.unshift(bytes);
      size += bytes.length;
    },
    async close() {
      readerClosed = true;
      chunks.length = 0;
      size = 0;
      writeWaiters = wake(writeWaiters);
      readWaiters = wake(readWaiters);
    },
  };

  const writer: Writer = {
    async write(bytes: Uint8Array) {
      if (readerClosed) throw new BrokenPipeError();
      if (writerClosed) throw new BrokenPipeError();
      if (bytes.length === 0) return;
      if (size + bytes.length > limit) throw new BrokenPipeError();
      chunks.push(bytes.slice());
      size += bytes.length;
      readWaiters = wake(readWaiters);
      while (size > capacity && !readerClosed) {
        await new Promise<void>((resolve) => writeWaiters.push(resolve));
      }
      if (readerClosed) throw new BrokenPipeError();
    },
    async close() {
      writerClosed = true;
      readWaiters = wake(readWaiters);
    },
  };
  return { reader, writer };
}

/** A reader over fixed bytes; supports unread. */
export function bytesReader(data: Uint8Array): Reader {
  const p = memoryPipe();
  void p.writer.write(data);
  void p.writer.close();
  return p.reader;
}

/** A writer that keeps everything written to it. */
export class CollectingWriter implements Writer {
  private chunks: Uint8Array[] = [];
  closed = false;
  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length) this.chunks.push(bytes.slice());
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  bytes(): Uint8Array {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}
