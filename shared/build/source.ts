import type { Digest } from '../digest/digest.ts';
import type { ByteStream } from '../host.ts';
import type { Dockerignore } from '../dockerfile/dockerignore.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { BuildContext, ContextEntry } from './context.ts';
import { splitPath } from '../tree/path.ts';
import { collectBytes } from '../util/bytes.ts';

/**
 * Something COPY can read from: the build context (bytes to ingest) or another stage's
 * or image's filesystem (blobs already stored, copied by digest without reading).
 * Paths are relative to the source's root and `/`-separated; '' is the root.
 */
export interface SourceEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  size: number;
  mtime: number;
  uid: number;
  gid: number;
  target?: string;
  /** Content already in the blob store. */
  digest?: Digest;
  /** Names of one file with several hard links share this key. */
  linkKey?: string;
}

export interface CopySource {
  readonly label: string;
  lstat(path: string): Promise<SourceEntry | undefined>;
  readdir(path: string): Promise<SourceEntry[]>;
  /** Content of a file entry that has no digest (`size` from its entry, when known). */
  open(path: string, size?: number): ByteStream;
  /** Optional: the whole content of such a file in a new buffer the caller owns (see BuildContext.read). */
  read?(path: string, size: number): Promise<Uint8Array>;
  /** Resolve symlinks inside the source's root (for the top level of a COPY source). */
  resolve(path: string): Promise<string>;
}

function fromContextEntry(e: ContextEntry): SourceEntry {
  const s: SourceEntry = { path: e.path, type: e.type, mode: e.mode, size: e.size, mtime: e.mtime, uid: 0, gid: 0 };
  if (e.target !== undefined) s.target = e.target;
  if (e.linkKey !== undefined) s.linkKey = e.linkKey;
  return s;
}

/** The build context, with .dockerignore applied: excluded files do not exist. */
export class ContextSource implements CopySource {
  readonly label = 'build context';
  constructor(
    private readonly ctx: BuildContext,
    private readonly ignore: Dockerignore | undefined,
  ) {}

  private visible(path: string): boolean {
    return !this.ignore || path === '' || !this.ignore.excludes(path);
  }

  async lstat(path: string): Promise<SourceEntry | undefined> {
    const p = splitPath(path).join('/');
    const e = await this.ctx.lstat(p);
    if (!e) return undefined;
    if (!this.visible(p) && !(e.type === 'dir' && this.ignore?.mayReinclude(p))) return undefined;
    return fromContextEntry({ ...e, path: p });
  }

  async readdir(path: string): Promise<SourceEntry[]> {
    const out: SourceEntry[] = [];
    for (const e of await this.ctx.readdir(splitPath(path).join('/'))) {
      if (this.visible(e.path) || (e.type === 'dir' && this.ignore?.mayReinclude(e.path))) out.push(fromContextEntry(e));
    }
    return out;
  }

  open(path: string, size?: number): ByteStream {
    return this.ctx.open(splitPath(path).join('/'), size);
  }

  read(path: string, size: number): Promise<Uint8Array> {
    const p = splitPath(path).join('/');
    return this.ctx.read ? this.ctx.read(p, size) : collectBytes(this.ctx.open(p, size));
  }

  async resolve(path: string): Promise<string> {
    // Follow symlinks component by component, clamped at the context root.
    const pending = path.split('/').filter((p) => p && p !== '.');
    const done: string[] = [];
    let hops = 0;
    while (pending.length) {
      const name = pending.shift()!;
      if (name === '..') {
        done.pop();
        continue;
      }
      const e = await this.ctx.lstat([...done, name].join('/'));
      if (e?.type === 'symlink' && e.target !== undefined && hops++ < 40) {
        if (e.target.startsWith('/')) done.length = 0;
        pending.unshift(...e.target.split('/').filter((p) => p && p !== '.'));
        continue;
      }
      done.push(name);
    }
    return done.join('/');
  }
}

/** Another stage's (or image's) root filesystem. */
export class FsSource implements CopySource {
  constructor(
    readonly label: string,
    private readonly fs: UnionFs,
    private readonly blobs: BlobStore,
  ) {}

  private toEntry(path: string, n: Awaited<ReturnType<UnionFs['lstat']>>): SourceEntry | undefined {
    if (!n) return undefined;
    const base = { path, mode: n.mode, mtime: n.mtime, uid: n.uid, gid: n.gid };
    switch (n.type) {
      case 'file':
        return { ...base, type: 'file', size: n.size, digest: n.digest };
      case 'dir':
        return { ...base, type: 'dir', size: 0 };
      case 'symlink':
        return { ...base, type: 'symlink', size: n.target.length, target: n.target };
      default:
        return { ...base, type: 'other', size: 0 };
    }
  }

  async lstat(path: string): Promise<SourceEntry | undefined> {
    const p = splitPath(path).join('/');
    return this.toEntry(p, await this.fs.lstat('/' + p));
  }

  async readdir(path: string): Promise<SourceEntry[]> {
    const p = splitPath(path).join('/');
    return (await this.fs.readdir('/' + p)).map(([name, n]) => this.toEntry(p ? `${p}/${name}` : name, n)!);
  }

  open(path: string): ByteStream {
    const fs = this.fs;
    const blobs = this.blobs;
    return (async function* () {
      const n = await fs.lstat('/' + path);
      if (n?.type !== 'file') return;
      yield* blobs.stream(n.digest);
    })();
  }

  async resolve(path: string): Promise<string> {
    return (await this.fs.resolve('/' + path, true)).slice(1);
  }
}
