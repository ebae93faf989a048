import type { ByteStream } from '../host.ts';
import { NotFoundError } from '../errors.ts';
import { collectBytes } from '../util/bytes.ts';
import { splitPath } from '../tree/path.ts';

/** One file of a build context, as `lstat` sees it. */
export interface ContextEntry {
  /** Relative to the context root, `/`-separated; '' is the root. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits, 0o7777. */
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target, as stored. */
  target?: string;
  /** For a file with several hard links: the same key for every name of that file. */
  linkKey?: string;
}

/**
 * The files a build may copy from: a folder on disk (Node), files held by the page
 * (browser), or a tar. Paths never leave the context: `..` is clamped at its root.
 */
export interface BuildContext {
  /** Where it is, for messages. */
  readonly name: string;
  lstat(path: string): Promise<ContextEntry | undefined>;
  /** Children of a directory, sorted by name. */
  readdir(path: string): Promise<ContextEntry[]>;
  /** A file's bytes; `size`, when the caller knows it from `lstat`, saves a second look. */
  open(path: string, size?: number): ByteStream;
  /**
   * Optional: a file's bytes in a new buffer the caller owns, read at once (a file
   * expected to be `size` bytes: a longer one shows as longer). Saves the copies a
   * stream needs, for files small enough to hold whole.
   */
  read?(path: string, size: number): Promise<Uint8Array>;
}

export function readAll(ctx: BuildContext, path: string): Promise<Uint8Array> {
  return collectBytes(ctx.open(path));
}

export interface MemoryFile {
  content?: string | Uint8Array;
  mode?: number;
  mtime?: number;
  /** A symlink instead of a file. */
  symlink?: string;
  /** A directory (content ignored). */
  dir?: boolean;
}

/**
 * A build context held in memory: `{ 'Dockerfile': 'FROM box', 'src/app.js': '…' }`.
 * Parent directories are implied. Used by the browser playground and by tests.
 */
export class MemoryContext implements BuildContext {
  private readonly entries = new Map<string, { entry: ContextEntry; bytes?: Uint8Array }>();
  readonly name = 'memory';

  constructor(files: Record<string, string | Uint8Array | MemoryFile>, defaults: { mtime?: number } = {}) {
    const mtime = defaults.mtime ?? 0;
    this.entries.set('', { entry: { path: '', type: 'dir', mode: 0o755, size: 0, mtime } });
    for (const [rawPath, spec] of Object.entries(files)) {
      const path = rawPath.split('/').filter((p) => p && p !== '.').join('/');
      const f: MemoryFile = typeof spec === 'string' || spec instanceof Uint8Array ? { content: spec } : spec;
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!this.entries.has(dir)) this.entries.set(dir, { entry: { path: dir, type: 'dir', mode: 0o755, size: 0, mtime } });
      }
      if (f.dir) {
        this.entries.set(path, { entry: { path, type: 'dir', mode: f.mode ?? 0o755, size: 0, mtime: f.mtime ?? mtime } });
      } else if (f.symlink !== undefined) {
        this.entries.set(path, { entry: { path, type: 'symlink', mode: 0o777, size: f.symlink.length, mtime: f.mtime ?? mtime, target: f.symlink } });
      } else {
        const bytes = typeof f.content === 'string' ? new TextEncoder().encode(f.content) : (f.content ?? new Uint8Array(0));
        this.entries.set(path, { entry: { path, type: 'file', mode: f.mode ?? 0o644, size: bytes.length, mtime: f.mtime ?? mtime }, bytes });
      }
    }
  }

  private norm(path: string): string {
    return splitPath(path).join('/');
  }

  async lstat(path: string): Promise<ContextEntry | undefined> {
    return this.entries.get(this.norm(path))?.entry;
  }

  async readdir(path: string): Promise<ContextEntry[]> {
    const dir = this.norm(path);
    const prefix = dir ? dir + '/' : '';
    return [...this.entries.values()]
      .map((x) => x.entry)
      .filter((e) => e.path !== dir && e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/'))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async *open(path: string): ByteStream {
    const e = this.entries.get(this.norm(path));
    if (!e?.bytes) throw new NotFoundError(`${path}: no such file in the build context`);
    yield e.bytes;
  }
}
