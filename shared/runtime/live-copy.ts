import { InvalidArgumentError, NotFoundError } from '../errors.ts';
import type { ByteStream } from '../host.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import { copyConflict } from '../engine/cp.ts';
import { splitPath } from '../tree/path.ts';
import { FsError } from '../unionfs/fs-error.ts';
import { ROOT_CRED, ROOT_INO, type FsApi, type Ino } from '../vfs/fs-api.ts';

/**
 * `cp` into a running container: entries written into the filesystem its processes see,
 * with the same rules as a copy into a stopped one (`copyConflict`, engine/cp.ts);
 * owners are root's unless `keepOwners` (cp -a).
 */
export async function copyIntoLive(
  fs: FsApi,
  dest: string,
  entries: AsyncIterable<TarWriteEntry>,
  opts: { keepOwners: boolean; nowSeconds: number; container: string },
): Promise<void> {
  const base = resolveDir(fs, dest, opts.container);
  const under = (p: string) => (base === '/' ? `/${p}` : `${base}/${p}`);
  const find = (path: string): Ino | undefined => {
    try {
      return fs.lookup(ROOT_CRED, ROOT_INO, path, false);
    } catch (e) {
      if (e instanceof FsError && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw e;
    }
  };
  for await (const t of entries) {
    if (splitPath(t.path).length === 0) continue;
    const target = under(t.path);
    const mode = (t.mode ?? (t.type === 'dir' ? 0o755 : 0o644)) & 0o7777;
    const owner = opts.keepOwners ? { uid: t.uid ?? 0, gid: t.gid ?? 0 } : { uid: 0, gid: 0 };
    const mtimeNs = BigInt(t.mtime ?? opts.nowSeconds) * 1_000_000_000n;
    const existing = find(target);
    const existingType = existing === undefined ? undefined : fs.stat(existing).type;
    const conflict = copyConflict(t.type, existingType, t.path, base, target);
    if (conflict) throw new InvalidArgumentError(conflict);
    if (t.type === 'dir') {
      const ino = existing ?? fs.mkdir(ROOT_CRED, ROOT_INO, target, mode);
      fs.setattr(ROOT_CRED, ino, { mode, ...owner, mtimeNs });
      continue;
    }
    let ino: Ino;
    switch (t.type) {
      case 'file': {
        if (existingType !== undefined && existingType !== 'file') fs.unlink(ROOT_CRED, ROOT_INO, target);
        ino = fs.open(ROOT_CRED, ROOT_INO, target, { write: true, create: true, truncate: true, noFollow: true }, mode);
        try {
          let off = 0;
          for await (const chunk of bodyOf(t)) {
            for (let done = 0; done < chunk.length; ) done += fs.write(ino, off + done, chunk.subarray(done));
            off += chunk.length;
          }
        } finally {
          fs.close(ino);
        }
        break;
      }
      case 'symlink':
        if (existing !== undefined) fs.unlink(ROOT_CRED, ROOT_INO, target);
        ino = fs.symlink(ROOT_CRED, t.linkname ?? '', ROOT_INO, target);
        break;
      case 'hardlink': {
        if (existing !== undefined) fs.unlink(ROOT_CRED, ROOT_INO, target);
        const from = under(t.linkname ?? '');
        if (find(from) === undefined) throw new InvalidArgumentError(`hardlink ${t.path} to ${t.linkname}, which was not copied`);
        fs.link(ROOT_CRED, ROOT_INO, from, ROOT_INO, target, false);
        continue;
      }
      case 'char':
      case 'block':
      case 'fifo':
        if (existing !== undefined) fs.unlink(ROOT_CRED, ROOT_INO, target);
        ino = fs.mknod(ROOT_CRED, ROOT_INO, target, t.type, mode, t.type === 'fifo' ? undefined : { major: t.devmajor ?? 0, minor: t.devminor ?? 0 });
        break;
    }
    fs.setattr(ROOT_CRED, ino, { ...(t.type === 'symlink' ? {} : { mode }), ...owner, mtimeNs });
  }
}

/** The directory `dest` names (symlinks followed, as docker cp does). */
function resolveDir(fs: FsApi, dest: string, container: string): string {
  let ino: Ino;
  try {
    ino = fs.lookup(ROOT_CRED, ROOT_INO, dest, true);
  } catch (e) {
    if (e instanceof FsError) throw new NotFoundError(`Could not find the file ${dest} in container ${container}`);
    throw e;
  }
  if (fs.stat(ino).type !== 'dir') throw new InvalidArgumentError(`cannot copy into ${dest}: not a directory`);
  return '/' + splitPath(dest).join('/');
}

async function* bodyOf(t: TarWriteEntry): ByteStream {
  const body = t.body;
  if (body === undefined) return;
  if (body instanceof Uint8Array) yield body;
  else yield* typeof body === 'function' ? await body() : body;
}
