import { closeSync, createReadStream, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import type { BuildContext, ContextEntry } from '../../shared/build/context.ts';
import type { ByteStream } from '../../shared/host.ts';
import { splitPath } from '../../shared/tree/path.ts';

/**
 * Files up to this size are read in one go, with synchronous calls: from the page
 * cache, where a build's context usually is, that takes about a millisecond per MiB,
 * less than the trips through libuv's thread pool it saves (open, read, close; waking a
 * pool thread on the other core is an inter-processor interrupt, which in a virtual
 * machine is an exit to the hypervisor). Larger files are streamed through the pool.
 */
const SMALL = 8 * 1024 * 1024;

/** Clean a context-relative path: `/`-separated, no `.`, `..` clamped at the root. */
function clean(path: string): string {
  return splitPath(path).join('/');
}

function entryOf(path: string, st: Stats, target?: string): ContextEntry | undefined {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : undefined;
  if (!type) return undefined; // sockets, devices and fifos are not sent to a build, as in Docker
  const e: ContextEntry = { path, type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000) };
  if (target !== undefined) e.target = target;
  if (type === 'file' && st.nlink > 1) e.linkKey = `${st.dev}:${st.ino}`;
  return e;
}

/** A build context that is a folder on disk. Nothing outside the folder is reachable. */
export class FsContext implements BuildContext {
  constructor(readonly root: string) {}

  get name(): string {
    return this.root;
  }

  /**
   * Metadata is read with synchronous calls: a build context's inodes are in the
   * kernel's caches after the first look, where an lstat takes microseconds, and a
   * context of thousands of files paid more for the trips through the thread pool.
   */
  async lstat(path: string): Promise<ContextEntry | undefined> {
    return this.lstatSync(clean(path));
  }

  async readdir(path: string): Promise<ContextEntry[]> {
    const p = clean(path);
    const names = readdirSync(join(this.root, p)).sort();
    const entries: ContextEntry[] = [];
    for (const name of names) {
      const e = this.lstatSync(p ? `${p}/${name}` : name);
      if (e) entries.push(e);
    }
    return entries;
  }

  private lstatSync(p: string): ContextEntry | undefined {
    const full = join(this.root, p);
    try {
      const st = lstatSync(full);
      return entryOf(p, st, st.isSymbolicLink() ? readlinkSync(full) : undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  /**
   * Small files in one read (a stream per file costs more than the read itself); large
   * ones streamed. With `size` known from `lstat`, a file is read without another stat,
   * into a buffer one byte larger, so a file that grew meanwhile shows as longer.
   */
  open(path: string, size?: number): ByteStream {
    const full = join(this.root, clean(path));
    return (async function* () {
      const known = size ?? (await stat(full)).size;
      if (known <= SMALL) {
        const b = readWholeSync(full, known + 1);
        if (b.length) yield b;
        return;
      }
      yield* createReadStream(full, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
    })();
  }

  async read(path: string, size: number): Promise<Uint8Array> {
    return readWholeSync(join(this.root, clean(path)), size + 1);
  }
}

/** Up to `max` bytes from the start of a file, with synchronous calls. */
function readWholeSync(path: string, max: number): Uint8Array {
  // Not zero-filled: the read writes every byte that is returned.
  const b = Buffer.allocUnsafeSlow(max);
  const buf = new Uint8Array(b.buffer, b.byteOffset, max);
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (let got; n < max && (got = readSync(fd, buf, n, max - n, n)) > 0; ) n += got;
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
