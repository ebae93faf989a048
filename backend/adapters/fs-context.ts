import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import type { BuildContext, ContextEntry } from '../../shared/build/context.ts';
import type { ByteStream } from '../../shared/host.ts';

/** Clean a context-relative path: `/`-separated, no `.`, `..` clamped at the root. */
function clean(path: string): string {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
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

  async lstat(path: string): Promise<ContextEntry | undefined> {
    const p = clean(path);
    const full = join(this.root, p);
    try {
      const st = await lstat(full);
      return entryOf(p, st, st.isSymbolicLink() ? await readlink(full) : undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async readdir(path: string): Promise<ContextEntry[]> {
    const p = clean(path);
    const names = (await readdir(join(this.root, p))).sort();
    const out: ContextEntry[] = [];
    for (const name of names) {
      const e = await this.lstat(p ? `${p}/${name}` : name);
      if (e) out.push(e);
    }
    return out;
  }

  open(path: string): ByteStream {
    return createReadStream(join(this.root, clean(path)), { highWaterMark: 1 << 20 }) as unknown as ByteStream;
  }
}
