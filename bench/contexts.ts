// Generated build contexts for benchmarks: trees of random bytes whose shape (file
// count, size mix, folders) is fixed by a seed, so every run and every peer builds the
// same layout. The bytes themselves are random, so nothing deduplicates by accident.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TarWriteEntry } from '../shared/tar/entry.ts';
import { writeTar } from '../shared/tar/writer.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same layout. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TreeSummary {
  files: number;
  bytes: number;
  dirs: number;
}

/** Writes files of random bytes: `sizes[i]` bytes at `paths[i]` (relative to `dir`). */
async function writeFiles(dir: string, paths: readonly string[], sizes: readonly number[]): Promise<TreeSummary> {
  const dirs = new Set(paths.map((p) => p.slice(0, p.lastIndexOf('/'))).filter(Boolean));
  for (const d of dirs) await mkdir(join(dir, d), { recursive: true });
  // A few writes in flight at a time: enough to keep the disk busy, few enough to stay
  // polite on a shared machine.
  const PARALLEL = 16;
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      await writeFile(join(dir, paths[i]!), randomBytes(sizes[i]!));
      bytes += sizes[i]!;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { files: paths.length, bytes, dirs: dirs.size };
}

/**
 * A mixed-size tree of `files` files totalling `totalBytes` under `dir`, in the
 * top-level folders `tops`, each with `subdirs` subfolders. Sizes are log-uniform
 * (spanning 64 B to 2 MiB before scaling to the total), as real source trees mix a few
 * large files with many small ones.
 */
export async function writeMixedTree(
  dir: string,
  opts: { files: number; totalBytes: number; tops: readonly string[]; subdirs: number; seed: number },
): Promise<TreeSummary> {
  const rnd = seededRandom(opts.seed);
  const raw = Array.from({ length: opts.files }, () => Math.exp(Math.log(64) + rnd() * (Math.log(2 * 1024 ** 2) - Math.log(64))));
  const scale = opts.totalBytes / raw.reduce((s, x) => s + x, 0);
  const sizes = raw.map((x) => Math.max(1, Math.round(x * scale)));
  const paths = sizes.map((_, i) => {
    const top = opts.tops[Math.floor(rnd() * opts.tops.length)]!;
    const sub = Math.floor(rnd() * (opts.subdirs + 1));
    return sub === opts.subdirs ? `${top}/file${i}.bin` : `${top}/d${sub}/file${i}.bin`;
  });
  return writeFiles(dir, paths, sizes);
}

/** Where `writeSmallFileTree` puts its files, and their sizes. */
function smallFileLayout(opts: { files: number; top: string; perDir?: number; seed: number }): { paths: string[]; sizes: number[] } {
  const rnd = seededRandom(opts.seed);
  const perDir = opts.perDir ?? 100;
  const paths: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < opts.files; i++) {
    const d = Math.floor(i / perDir);
    paths.push(`${opts.top}/g${Math.floor(d / 10)}/d${d}/f${i % perDir}`);
    sizes.push(32 + Math.floor(rnd() * 481));
  }
  return { paths, sizes };
}

/**
 * `files` small files (32 to 512 bytes) under `dir/<top>`, `perDir` to a folder, the
 * folders grouped 10 to a parent: `<top>/g<i>/d<j>/f<k>`.
 */
export async function writeSmallFileTree(dir: string, opts: { files: number; top: string; perDir?: number; seed: number }): Promise<TreeSummary> {
  const { paths, sizes } = smallFileLayout(opts);
  return writeFiles(dir, paths, sizes);
}

/**
 * The same tree as `writeSmallFileTree`, as a tar file at `path` (folders first, then
 * files), written with layerbox's tar writer: a root filesystem for `import`, made
 * without creating 100,000 files on disk first.
 */
export async function writeSmallFileTar(path: string, opts: { files: number; top: string; perDir?: number; seed: number }): Promise<TreeSummary> {
  const { paths, sizes } = smallFileLayout(opts);
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const mtime = 946684800; // 2000-01-01
  const entries = function* (): Iterable<TarWriteEntry> {
    for (const d of [...dirs].sort()) yield { path: d, type: 'dir', mode: 0o755, mtime };
    for (let i = 0; i < paths.length; i++) yield { path: paths[i]!, type: 'file', mode: 0o644, mtime, size: sizes[i]!, body: randomBytes(sizes[i]!) };
  };
  await pipeline(Readable.from(writeTar(entries())), createWriteStream(path));
  return { files: paths.length, bytes: sizes.reduce((a, b) => a + b, 0), dirs: dirs.size };
}

/** A few large files of random bytes totalling `totalBytes` under `dir/<top>`. */
export async function writeLargeFiles(dir: string, opts: { top: string; count: number; totalBytes: number }): Promise<TreeSummary> {
  const each = Math.floor(opts.totalBytes / opts.count);
  const sizes = Array.from({ length: opts.count }, (_, i) => (i === opts.count - 1 ? opts.totalBytes - each * (opts.count - 1) : each));
  return writeFiles(dir, sizes.map((_, i) => `${opts.top}/blob${i}.bin`), sizes);
}

export interface FileOnDisk {
  /** Path relative to the walked folder, '/'-separated. */
  path: string;
  abs: string;
}

/** Every regular file and folder below `dir`, folders first, names sorted. */
export async function walk(dir: string): Promise<{ dirs: string[]; files: FileOnDisk[] }> {
  const dirs: string[] = [];
  const files: FileOnDisk[] = [];
  const visit = async (abs: string): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const p = join(abs, ent.name);
      if (ent.isDirectory()) {
        dirs.push(relative(dir, p));
        await visit(p);
      } else if (ent.isFile()) {
        files.push({ path: relative(dir, p), abs: p });
      }
    }
  };
  await visit(dir);
  return { dirs, files };
}

