import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, readlink, readdir, rename, rm, stat, symlink, chmod, utimes, lchown } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { HostFiles } from '../../shared/commands/io.ts';
import type { BuildContext } from '../../shared/build/context.ts';
import type { TarWriteEntry } from '../../shared/tar/entry.ts';
import type { ByteStream } from '../../shared/host.ts';
import { InvalidArgumentError, NotFoundError } from '../../shared/errors.ts';
import { FsContext } from '../adapters/fs-context.ts';
import { filesOfFolder } from '../adapters/fs-layout.ts';

/**
 * The user's files, for the CLI running in Node. Relative paths are taken from `dir`,
 * the user's working directory (an engine service serves commands from many), while
 * messages name paths as the user gave them.
 */
export class NodeFiles implements HostFiles {
  constructor(
    private readonly stdin: () => ByteStream,
    private readonly dir: string = process.cwd(),
  ) {}

  cwd(): string {
    return this.dir;
  }

  private abs(path: string): string {
    return resolve(this.dir, path);
  }

  async buildContext(path: string): Promise<BuildContext> {
    if (path === '-') {
      const { TarContext } = await import('../adapters/tar-context.ts');
      return TarContext.read(this.stdin());
    }
    const st = await stat(this.abs(path)).catch(() => undefined);
    if (!st) throw new NotFoundError(`unable to prepare context: path "${path}" not found`);
    if (!st.isDirectory()) throw new InvalidArgumentError(`unable to prepare context: context must be a directory: ${this.abs(path)}`);
    return new FsContext(this.abs(path));
  }

  async isDirectory(path: string): Promise<boolean> {
    return (await stat(this.abs(path)).catch(() => undefined))?.isDirectory() ?? false;
  }

  async exists(path: string): Promise<boolean> {
    return (await lstat(this.abs(path)).catch(() => undefined)) !== undefined;
  }

  async readFile(path: string): Promise<Uint8Array> {
    try {
      return await readFile(this.abs(path));
    } catch (err) {
      throw new NotFoundError(`open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
  }

  read(path: string): ByteStream {
    const abs = this.abs(path);
    return (async function* () {
      const st = await stat(abs).catch(() => undefined);
      if (!st) throw new NotFoundError(`open ${path}: no such file or directory`);
      if (st.isDirectory()) throw new InvalidArgumentError(`read ${path}: is a directory`);
      yield* createReadStream(abs, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
    })();
  }

  /** Whole or nothing: write beside the target, then rename over it. */
  async write(userPath: string, data: ByteStream): Promise<number> {
    const path = this.abs(userPath);
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    let n = 0;
    try {
      await pipeline(
        Readable.from((async function* () {
          for await (const c of data) {
            n += c.length;
            yield c;
          }
        })()),
        createWriteStream(tmp),
      );
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return n;
  }

  layoutFiles(dir: string) {
    return filesOfFolder(this.abs(dir));
  }

  async *entries(path: string, name: string): AsyncIterable<TarWriteEntry> {
    const top = path.endsWith('/.') ? path.slice(0, -2) : path;
    yield* walk(this.abs(top), name);
  }

  async extract(dir: string, entries: AsyncIterable<TarWriteEntry>): Promise<void> {
    const root = this.abs(dir);
    for await (const e of entries) {
      const parts = e.path.split('/').filter((p) => p && p !== '.');
      if (parts.includes('..')) throw new InvalidArgumentError(`refusing to write ${e.path} outside ${root}`);
      const target = parts.length ? join(root, ...parts) : root;
      await mkdir(dirname(target), { recursive: true });
      const mode = e.mode ?? (e.type === 'dir' ? 0o755 : 0o644);
      if (e.type === 'dir') {
        await mkdir(target, { recursive: true });
        await chmod(target, mode);
      } else if (e.type === 'file') {
        const body = e.body;
        const stream = body instanceof Uint8Array ? (async function* () { yield body; })() : typeof body === 'function' ? await body() : (body ?? (async function* () {})());
        await rm(target, { force: true });
        await pipeline(Readable.from(stream as AsyncIterable<Uint8Array>), createWriteStream(target, { mode }));
        await chmod(target, mode);
      } else if (e.type === 'symlink') {
        await rm(target, { force: true });
        await symlink(e.linkname ?? '', target);
      } else continue; // devices and fifos are not recreated on the host
      if (e.type !== 'symlink' && e.mtime !== undefined) await utimes(target, e.mtime, e.mtime);
      if (process.getuid?.() === 0 && e.uid !== undefined) await lchown(target, e.uid, e.gid ?? 0).catch(() => {});
    }
  }
}

async function* walk(path: string, name: string): AsyncIterable<TarWriteEntry> {
  const st = await lstat(path);
  const base = { path: name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isDirectory()) {
    yield { ...base, type: 'dir' };
    for (const child of (await readdir(path)).sort()) yield* walk(join(path, child), name ? `${name}/${child}` : child);
  } else if (st.isSymbolicLink()) {
    yield { ...base, type: 'symlink', linkname: await readlink(path) };
  } else if (st.isFile()) {
    yield { ...base, type: 'file', size: st.size, body: () => createReadStream(path) as unknown as ByteStream };
  }
}
