/**
 * A file of the container filesystem as a stream, for a host applet that inherits a
 * file as its stdin or stdout from a WASI parent (`spawn` passes fds 0..2 on).
 */
import type { FsApi, Ino } from '../vfs/fs-api.ts';
import type { ByteReader, ByteWriter } from './stdio.ts';

const CHUNK = 65536;

export class FileReader implements ByteReader {
  constructor(
    private readonly fs: FsApi,
    private readonly ino: Ino,
    public position: number,
  ) {}
  async read(): Promise<Uint8Array | null> {
    const b = this.fs.read(this.ino, this.position, CHUNK);
    if (b.length === 0) return null;
    this.position += b.length;
    return b;
  }
  close(): void {}
}

export class FileWriter implements ByteWriter {
  constructor(
    private readonly fs: FsApi,
    private readonly ino: Ino,
    public position: number,
    private readonly append: boolean,
  ) {}
  async write(bytes: Uint8Array): Promise<void> {
    if (this.append) this.position = this.fs.stat(this.ino).size;
    this.position += this.fs.write(this.ino, this.position, bytes);
  }
  close(): void {}
}
