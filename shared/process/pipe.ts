/**
 * An in-memory pipe with Linux semantics: a bounded buffer (writers wait while it is
 * full), end of stream once every writer reference is closed, and EPIPE for writers once
 * every reader reference is closed. Each end is reference-counted (`retain` / `close`),
 * so processes sharing an end behave like processes sharing a file descriptor.
 */
import { BrokenPipeError, type ByteReader, type ByteWriter } from './stdio.ts';

/** Linux's default pipe capacity. */
export const PIPE_CAPACITY = 65536;

class PipeState {
  chunks: Uint8Array[] = [];
  size = 0;
  readers = 1;
  writers = 1;
  private readerWake: (() => void) | null = null;
  private writerWakes: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  wakeReader(): void {
    const w = this.readerWake;
    this.readerWake = null;
    w?.();
  }
  wakeWriters(): void {
    const ws = this.writerWakes;
    this.writerWakes = [];
    for (const w of ws) w();
  }
  readerWait(): Promise<void> {
    return new Promise((resolve) => (this.readerWake = resolve));
  }
  writerWait(): Promise<void> {
    return new Promise((resolve) => this.writerWakes.push(resolve));
  }
}

export class PipeReader implements ByteReader {
  constructor(private readonly p: PipeState) {}

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const c = this.p.chunks.shift();
      if (c) {
        this.p.size -= c.length;
        if (this.p.size < this.p.capacity) this.p.wakeWriters();
        return c;
      }
      if (this.p.writers === 0 || this.p.readers === 0) return null;
      await this.p.readerWait();
    }
  }

  retain(): void {
    this.p.readers++;
  }

  close(): void {
    if (this.p.readers === 0) return;
    if (--this.p.readers === 0) {
      this.p.chunks = [];
      this.p.size = 0;
      this.p.wakeWriters();
    }
  }
}

export class PipeWriter implements ByteWriter {
  constructor(private readonly p: PipeState) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.p.readers === 0) throw new BrokenPipeError();
    if (bytes.length === 0) return;
    this.p.chunks.push(bytes.slice());
    this.p.size += bytes.length;
    this.p.wakeReader();
    while (this.p.size > this.p.capacity) {
      if (this.p.readers === 0) throw new BrokenPipeError();
      await this.p.writerWait();
    }
    if (this.p.readers === 0) throw new BrokenPipeError();
  }

  retain(): void {
    this.p.writers++;
  }

  close(): void {
    if (this.p.writers === 0) return;
    if (--this.p.writers === 0) this.p.wakeReader();
  }
}

export interface Pipe {
  reader: PipeReader;
  writer: PipeWriter;
}

export function pipe(capacity = PIPE_CAPACITY): Pipe {
  const p = new PipeState(capacity);
  return { reader: new PipeReader(p), writer: new PipeWriter(p) };
}
