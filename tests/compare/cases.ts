// The comparison table: one folder per case under cases/, holding a Dockerfile, its
// context files and an optional case.json. What git cannot store (unusual modes, empty
// folders, tar archives with chosen owners) is made by the `prepare` steps when the
// context is laid out in a scratch folder.
import { chmod, cp, link, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBusyboxContext } from '../harness/busybox-image.ts';
import { run } from '../harness/exec.ts';
import { findTool } from '../harness/tools.ts';

export const CASES_DIR = fileURLToPath(new URL('./cases/', import.meta.url));
const MAKE_TAR = fileURLToPath(new URL('./make-tar.py', import.meta.url));

/** Files of a case folder that are not part of its build context. */
const CASE_FILES = new Set(['case.json', 'docker.json']);

/** An entry of a tar archive made by a `tar` prepare step. */
export interface TarEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Octal string, e.g. "0640". Default 0644 for files, 0755 for folders. */
  mode?: string;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  content?: string;
  /** Symlink text, or the path a hard link points at. */
  target?: string;
}

/** One step that completes the context after the case's files are copied. Paths are context-relative. */
export type PrepareStep =
  | { write: string; content?: string; mode?: string }
  | { mkdir: string; mode?: string }
  | { symlink: string; target: string }
  | { link: string; target: string }
  | { chmod: string; mode: string }
  | { tar: string; gzip?: boolean; entries: TarEntry[] };

export interface CaseOptions {
  /** `--build-arg NAME=value` for each pair. */
  buildArgs?: Record<string, string>;
  /** `--target` stage. */
  target?: string;
  /** Name the image is tagged with; default `localhost/layerbox-compare/<case>:latest`. */
  tag?: string;
  /** Cases built (and tagged) first, because this one names their images. */
  dependsOn?: string[];
  /** Add the static busybox rootfs as `rootfs/` (with the default applets) to the context. */
  busybox?: boolean;
  prepare?: PrepareStep[];
  /** Both builds must fail with a message containing this. */
  expectError?: string;
  /** Docker's build must fail with a message containing this. */
  dockerError?: string;
  /** layerbox's build must fail with a message containing this; empty or absent: any failure. */
  layerboxError?: string;
  /**
   * layerbox deliberately rejects what Docker builds (to help learners); Docker must
   * build it and layerbox must fail with a message containing this. Say why in `note`.
   */
  layerboxRejects?: string;
  /** What the case shows, for readers of the table. */
  note?: string;
}

export interface Case extends CaseOptions {
  name: string;
  dir: string;
  tag: string;
  dependsOn: string[];
}

export function defaultTag(name: string): string {
  return `localhost/layerbox-compare/${name}:latest`;
}

/** True when the case is expected to fail to build. */
export function isNegative(c: CaseOptions): boolean {
  return c.expectError !== undefined || c.dockerError !== undefined || c.layerboxError !== undefined;
}

export async function loadCase(name: string): Promise<Case> {
  const dir = join(CASES_DIR, name);
  const text = await readFile(join(dir, 'case.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '{}';
    throw e;
  });
  let opts: CaseOptions;
  try {
    opts = JSON.parse(text) as CaseOptions;
  } catch (e) {
    throw new Error(`${join(dir, 'case.json')}: ${(e as Error).message}`);
  }
  return { ...opts, name, dir, tag: opts.tag ?? defaultTag(name), dependsOn: opts.dependsOn ?? [] };
}

/** Every case, sorted by name. */
export async function loadCases(): Promise<Case[]> {
  const names = (await readdir(CASES_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return Promise.all(names.map(loadCase));
}

/** `c`'s dependencies, transitively, in build order (each before its dependents), without `c`. */
export function dependencyOrder(c: Case, byName: ReadonlyMap<string, Case>): Case[] {
  const order: Case[] = [];
  const visiting = new Set<string>();
  const visit = (x: Case) => {
    for (const dep of x.dependsOn) {
      if (order.some((o) => o.name === dep)) continue;
      if (visiting.has(dep)) throw new Error(`case ${x.name}: dependency cycle through ${dep}`);
      const d = byName.get(dep);
      if (!d) throw new Error(`case ${x.name}: dependsOn names unknown case ${dep}`);
      visiting.add(dep);
      visit(d);
      visiting.delete(dep);
      order.push(d);
    }
  };
  visit(c);
  return order;
}

function inside(root: string, path: string): string {
  const full = resolve(root, path);
  if (relative(root, full).startsWith('..')) throw new Error(`prepare path ${path} leaves the context`);
  return full;
}

const octal = (mode: string) => parseInt(mode, 8);

async function applyStep(ctx: string, step: PrepareStep): Promise<void> {
  if ('write' in step) {
    const path = inside(ctx, step.write);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, step.content ?? '');
    await chmod(path, octal(step.mode ?? '0644'));
  } else if ('mkdir' in step) {
    const path = inside(ctx, step.mkdir);
    await mkdir(path, { recursive: true });
    await chmod(path, octal(step.mode ?? '0755'));
  } else if ('symlink' in step) {
    const path = inside(ctx, step.symlink);
    await mkdir(dirname(path), { recursive: true });
    await symlink(step.target, path);
  } else if ('link' in step) {
    const path = inside(ctx, step.link);
    await mkdir(dirname(path), { recursive: true });
    await link(inside(ctx, step.target), path);
  } else if ('chmod' in step) {
    await chmod(inside(ctx, step.chmod), octal(step.mode));
  } else if ('tar' in step) {
    const path = inside(ctx, step.tar);
    await mkdir(dirname(path), { recursive: true });
    const python = findTool('python3');
    if (python === undefined) throw new Error('python3 is required to make the tar files of the compare cases');
    await run([python, MAKE_TAR, path, step.gzip ? 'gzip' : 'plain'], { input: JSON.stringify(step.entries) });
  } else {
    throw new Error(`unknown prepare step ${JSON.stringify(step)}`);
  }
}

/**
 * Sets every file to 0644 or 0755 (by its owner execute bit) and every folder to 0755:
 * git keeps only the execute bit and the umask decides the rest, while the table
 * records exact modes. Unusual modes come from prepare steps.
 */
async function normaliseModes(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) await normaliseModes(path);
    else if (d.isFile()) await chmod(path, (await stat(path)).mode & 0o100 ? 0o755 : 0o644);
  }
}

/**
 * Lays out `c`'s build context in `ctx` (which must not exist): the busybox rootfs when
 * asked for, the case folder's files except case.json and docker.json, then the prepare steps.
 */
export async function prepareContext(c: Case, ctx: string): Promise<void> {
  await mkdir(ctx, { recursive: true });
  if (c.busybox) await writeBusyboxContext(ctx);
  for (const name of await readdir(c.dir)) {
    if (CASE_FILES.has(name)) continue;
    if (c.busybox && name === 'Dockerfile') await rm(join(ctx, name));
    await cp(join(c.dir, name), join(ctx, name), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  await normaliseModes(ctx);
  for (const step of c.prepare ?? []) await applyStep(ctx, step);
}
