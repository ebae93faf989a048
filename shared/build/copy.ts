import { DataLossError, InvalidArgumentError } from '../errors.ts';
import { collectBytes } from '../util/bytes.ts';
import type { Digest } from '../digest/digest.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Meta, MetaNode } from '../tree/node.ts';
import { splitPath } from '../tree/path.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';
import { readTar } from '../tar/reader.ts';
import { openMaybeGzip, sniff } from '../layer/decompress.ts';
import type { Limits } from '../engine/engine.ts';
import { bytesToBase64 } from '../util/base64.ts';
import { expandGlob, hasGlob } from './glob.ts';
import { normalizeHardlinks } from '../tree/hardlinks.ts';
import type { CopySource, SourceEntry } from './source.ts';

export interface CopyRequest {
  source: CopySource;
  /** Source paths or patterns, expanded, relative to the source root. */
  sources: string[];
  /** Inline files (heredocs): name → content. */
  inline?: Array<{ name: string; content: Uint8Array }>;
  /** Absolute destination inside the container root. */
  dest: string;
  /** The destination was written with a trailing slash. */
  destSlash: boolean;
  owner?: { uid: number; gid: number };
  chmod?: number;
  /** ADD: unpack local tar archives. */
  unpack: boolean;
  /**
   * SOURCE_DATE_EPOCH, seconds: every mtime the step writes becomes this, so the layer
   * is the same on any machine whatever the context files' times.
   */
  clampMtime?: number;
  /** mtime for directories COPY creates, seconds. */
  now: number;
  limits: Limits;
  /** For messages: `Dockerfile:7: COPY`. */
  where: string;
}

/**
 * COPY and ADD with BuildKit's semantics: a directory source copies its contents; a
 * file goes into `dest` when `dest` is (or must be) a directory, else becomes `dest`;
 * symlinks at the top of a source path are followed inside the source, symlinks below
 * are copied as links; owners become root (or `--chown`), modes are kept (or
 * `--chmod`). Returns one line per thing written, content by digest: the cache key
 * material (independent of mtimes, as BuildKit's content checksums are).
 */
export async function copyInto(fs: UnionFs, blobs: BlobStore, request: CopyRequest): Promise<string[]> {
  const req = { ...request, source: cached(request.source) };
  const sums: string[] = [];
  const owner = req.owner ?? { uid: 0, gid: 0 };
  const matches: SourceEntry[] = [];
  for (const pattern of req.sources) {
    if (hasGlob(pattern)) {
      const found = await expandGlob(req.source, pattern);
      if (found.length === 0) throw notFound(req, pattern);
      matches.push(...found);
    } else {
      const resolved = await req.source.resolve(pattern);
      const e = await req.source.lstat(resolved);
      if (!e) throw notFound(req, pattern);
      matches.push(e);
    }
  }
  const contents = await prefetch(req, blobs, matches);
  const many = matches.length + (req.inline?.length ?? 0) > 1 || req.sources.some(hasGlob);
  const destNode = await fs.stat(req.dest);
  const destIsDir = req.destSlash || destNode?.type === 'dir' || (many && matches.some((m) => m.type !== 'dir'));
  if (req.sources.length + (req.inline?.length ?? 0) > 1 && !req.destSlash && destNode?.type !== 'dir') {
    throw new InvalidArgumentError(`${req.where}: when using COPY with more than one source file, the destination must be a directory and end with a /`);
  }

  const dirMeta: Meta = { mode: 0o755, uid: owner.uid, gid: owner.gid, mtime: clamp(req.now, req.clampMtime) };
  const ensureDir = async (path: string) => {
    const n = await fs.stat(path);
    if (n?.type === 'dir') return;
    if (n) throw new InvalidArgumentError(`${req.where}: cannot copy to ${path}: not a directory`);
    await fs.mkdir(path, dirMeta, { parents: true });
    sums.push(`mkdir ${path}`);
  };
  const metaFor = (e: { mode: number; mtime: number }): Meta => ({
    mode: req.chmod !== undefined ? req.chmod : e.mode,
    uid: owner.uid,
    gid: owner.gid,
    mtime: clamp(e.mtime, req.clampMtime),
  });

  // Names of one multiply-linked file copied in this step stay hard links of each other.
  const linked = new Map<string, string>();
  const writeLeaf = async (e: SourceEntry, target: string) => {
    await ensureDir(parentOf(target));
    const existing = await fs.lstat(target);
    if (existing?.type === 'dir' && e.type !== 'dir') {
      await fs.remove(target, { recursive: true });
    }
    const first = e.linkKey !== undefined ? linked.get(e.linkKey) : undefined;
    if (first !== undefined) {
      await fs.writeHardlink(target, first);
      sums.push(`${target}\0hardlink\0${first}`);
      return;
    }
    if (e.linkKey !== undefined) linked.set(e.linkKey, target);
    const meta = metaFor(e);
    let node: Exclude<MetaNode, { type: 'dir' }>;
    if (e.type === 'symlink') node = { type: 'symlink', ...meta, mode: 0o777, target: e.target ?? '' };
    else if (e.type === 'file') {
      const digest = e.digest ?? (await contents.get(e.path)) ?? (await blobs.ingest(req.source.open(e.path), { size: e.size })).digest;
      node = { type: 'file', ...meta, size: e.size, digest };
    } else return; // devices and fifos from another stage are not copied
    await fs.writeNode(target, node);
    sums.push(`${target}\0${node.type}\0${node.mode.toString(8)}\0${node.uid}:${node.gid}\0${node.type === 'file' ? node.digest : node.type === 'symlink' ? node.target : ''}`);
  };

  const copyTree = async (dir: SourceEntry, target: string, top: boolean) => {
    const n = await fs.stat(target);
    if (!n) {
      await ensureDir(parentOf(target));
      // The destination folder itself is made like a created parent (0755, no --chmod);
      // folders inside it keep their own modes, as BuildKit copies them.
      const meta = top ? dirMeta : metaFor(dir);
      await fs.mkdir(target, meta);
      sums.push(`dir ${target} ${meta.mode.toString(8)}`);
    } else if (n.type !== 'dir') {
      throw new InvalidArgumentError(`${req.where}: cannot copy directory ${dir.path || '.'} to ${target}: not a directory`);
    }
    for (const child of await req.source.readdir(dir.path)) {
      const name = child.path.slice(dir.path ? dir.path.length + 1 : 0);
      const t = target === '/' ? `/${name}` : `${target}/${name}`;
      if (child.type === 'dir') await copyTree(child, t, false);
      else await writeLeaf(child, t);
    }
  };

  let unpacked = false;
  for (const m of matches) {
    if (m.type === 'dir') {
      await copyTree(m, req.dest, true);
      continue;
    }
    const base = m.path.split('/').pop() ?? m.path;
    const target = destIsDir ? join(req.dest, base) : req.dest;
    if (req.unpack && m.type === 'file' && !m.digest && (await isArchive(req.source, m))) {
      await ensureDir(req.dest);
      sums.push(...(await unpack(fs, blobs, req, m)));
      unpacked = true;
      continue;
    }
    await writeLeaf(m, target);
  }
  // An archive's links come in its own order; a layer lists each file before its links.
  if (unpacked || linked.size) await normalizeHardlinks(fs.trees, fs.upper);
  for (const f of req.inline ?? []) {
    const target = destIsDir || req.destSlash ? join(req.dest, f.name) : req.dest;
    await ensureDir(parentOf(target));
    const digest = await blobs.put(f.content);
    const node: MetaNode = { type: 'file', mode: req.chmod ?? 0o644, uid: owner.uid, gid: owner.gid, mtime: clamp(req.now, req.clampMtime), size: f.content.length, digest };
    await fs.writeNode(target, node);
    sums.push(`${target}\0inline\0${digest}`);
  }
  return sums;
}

/**
 * Read every file the copy will need, several at a time: each read is a trip to the
 * disk or thread pool, and doing them one by one made COPY latency-bound. Candidate
 * archives of ADD are left for the unpacker.
 */
async function prefetch(req: CopyRequest, blobs: BlobStore, matches: SourceEntry[]): Promise<Map<string, Promise<Digest>>> {
  const files: SourceEntry[] = [];
  const walk = async (e: SourceEntry, top: boolean): Promise<void> => {
    if (e.type === 'dir') for (const c of await req.source.readdir(e.path)) await walk(c, false);
    else if (e.type === 'file' && !e.digest && !(top && req.unpack)) files.push(e);
  };
  for (const m of matches) await walk(m, true);
  const out = new Map<string, Promise<Digest>>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const e = files[next++]!;
      const p = e.size <= WHOLE ? putWhole(blobs, req.source, e) : blobs.ingest(req.source.open(e.path, e.size), { size: e.size }).then((r) => r.digest);
      out.set(e.path, p);
      await p;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREFETCH, files.length) }, worker));
  return out;
}

const PREFETCH = 8;

/**
 * Files up to this size are read whole and stored with one `put`: on a disk store both
 * are a few synchronous calls, cheaper than streaming them through the thread pool,
 * where each step is a hand-over between threads. The store keeps the bytes it is
 * handed for the layer's digest, which reads every file of the step again.
 */
const WHOLE = 4 * 1024 * 1024;

async function putWhole(blobs: BlobStore, source: CopySource, e: SourceEntry): Promise<Digest> {
  const bytes = source.read ? await source.read(e.path, e.size) : await collectBytes(source.open(e.path, e.size));
  if (bytes.length !== e.size) throw new DataLossError(`${e.path}: ${bytes.length} bytes read, ${e.size} expected: the file changed during the build`);
  return blobs.put(bytes, undefined, { adopt: true });
}

/** A source whose listings are read once per copy (the copy walks them twice). */
function cached(src: CopySource): CopySource {
  const dirs = new Map<string, Promise<SourceEntry[]>>();
  const stats = new Map<string, Promise<SourceEntry | undefined>>();
  return {
    label: src.label,
    lstat: (p) => {
      let v = stats.get(p);
      if (!v) stats.set(p, (v = src.lstat(p)));
      return v;
    },
    readdir: (p) => {
      let v = dirs.get(p);
      if (!v) dirs.set(p, (v = src.readdir(p)));
      return v;
    },
    open: (p, size) => src.open(p, size),
    ...(src.read ? { read: src.read.bind(src) } : {}),
    resolve: (p) => src.resolve(p),
  };
}

function clamp(t: number, epoch: number | undefined): number {
  return epoch !== undefined ? epoch : t;
}

function parentOf(p: string): string {
  const parts = splitPath(p);
  parts.pop();
  return '/' + parts.join('/');
}

function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function notFound(req: CopyRequest, pattern: string): InvalidArgumentError {
  const where = req.source.label === 'build context' ? 'in the build context (or it is excluded by .dockerignore)' : `in ${req.source.label}`;
  return new InvalidArgumentError(`${req.where}: ${pattern}: no such file or directory ${where}`);
}

async function isArchive(src: CopySource, e: SourceEntry): Promise<boolean> {
  const it = src.open(e.path)[Symbol.asyncIterator]();
  const head: number[] = [];
  while (head.length < 512) {
    const r = await it.next();
    if (r.done) break;
    for (const b of r.value.subarray(0, 512 - head.length)) head.push(b);
  }
  await it.return?.();
  if (head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.length < 512) return false;
  return String.fromCharCode(...head.slice(257, 262)) === 'ustar';
}

/** ADD of a local archive: its entries land below `dest` with their own owners and modes. */
async function unpack(fs: UnionFs, blobs: BlobStore, req: CopyRequest, e: SourceEntry): Promise<string[]> {
  const sums: string[] = [];
  const what = `${req.where}: ${e.path}`;
  const { stream } = await sniff(req.source.open(e.path), what);
  const written = new Map<string, MetaNode>();
  for await (const t of readTar(await openMaybeGzip(stream, req.limits, what))) {
    if (t.path === '') continue;
    const target = join(req.dest, t.path);
    const meta: Meta = { mode: t.mode, uid: t.uid, gid: t.gid, mtime: clamp(t.mtime, req.clampMtime) };
    if (Object.keys(t.xattrs).length) {
      meta.xattrs = Object.fromEntries(Object.entries(t.xattrs).map(([k, v]) => [k, bytesToBase64(v)]));
    }
    const parent = parentOf(target);
    if ((await fs.stat(parent))?.type !== 'dir') await fs.mkdir(parent, { mode: 0o755, uid: 0, gid: 0, mtime: clamp(req.now, req.clampMtime) }, { parents: true });
    let node: Exclude<MetaNode, { type: 'dir' }>;
    switch (t.type) {
      case 'dir': {
        const n = await fs.stat(target);
        if (n?.type === 'dir') await fs.setMeta(target, meta);
        else {
          if (n) await fs.remove(target, { recursive: true });
          await fs.mkdir(target, meta);
        }
        sums.push(`dir ${target} ${meta.mode.toString(8)} ${meta.uid}:${meta.gid}`);
        continue;
      }
      case 'file':
        node = { type: 'file', ...meta, size: t.size, digest: (await blobs.ingest(t.body(), { size: t.size })).digest };
        break;
      case 'symlink':
        node = { type: 'symlink', ...meta, target: t.linkname };
        break;
      case 'hardlink': {
        const linkTarget = join(req.dest, t.linkname);
        if (!written.get(linkTarget)) throw new InvalidArgumentError(`${what}: hardlink ${t.path} to ${t.linkname}, which is not earlier in the archive`);
        const existing = await fs.lstat(target);
        if (existing?.type === 'dir') await fs.remove(target, { recursive: true });
        await fs.writeHardlink(target, linkTarget);
        sums.push(`${target}\0hardlink\0${linkTarget}`);
        continue;
      }
      case 'char':
      case 'block':
        node = { type: t.type, ...meta, major: t.devmajor, minor: t.devminor };
        break;
      case 'fifo':
        node = { type: 'fifo', ...meta };
        break;
    }
    const existing = await fs.lstat(target);
    if (existing?.type === 'dir') await fs.remove(target, { recursive: true });
    await fs.writeNode(target, node);
    written.set(target, node);
    sums.push(`${target}\0${node.type}\0${node.mode.toString(8)}\0${node.uid}:${node.gid}\0${node.type === 'file' ? node.digest : ''}`);
  }
  return sums;
}
