// The smallest useful native image: FROM scratch plus the static busybox from the
// busybox-static package as /bin/busybox, with applets as links to it. Several tests
// build this one context with Docker, podman, buildah and layerbox and compare results.
import { chmod, copyFile, link, lutimes, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.ts';
import { BUSYBOX, requireTool } from './tools.ts';

/** Applets linked by default: a POSIX shell and the utilities scripts usually call. */
export const DEFAULT_APPLETS: readonly string[] = [
  'sh', 'true', 'false', 'echo', 'printf', 'test', '[', 'cat', 'ls', 'mkdir', 'rm', 'rmdir',
  'cp', 'mv', 'ln', 'touch', 'chmod', 'env', 'sleep', 'id', 'pwd', 'wc', 'head', 'tail',
  'grep', 'sed', 'sort', 'tr', 'cut', 'find', 'xargs', 'uname', 'date', 'hostname', 'stat',
];

/** Every file and link in the context gets this mtime, so builds are reproducible. */
export const CONTEXT_MTIME = new Date('2000-01-01T00:00:00Z');

export const BUSYBOX_DOCKERFILE = ['FROM scratch', 'COPY rootfs/ /', 'ENV PATH=/bin', 'CMD ["/bin/sh"]', ''].join('\n');

export interface BusyboxContextOptions {
  /** Applet names to link to busybox in /bin, or 'all' for every applet it has. */
  applets?: readonly string[] | 'all';
  /** How applets point at busybox. Default 'symlink' (a relative link `busybox`). */
  link?: 'symlink' | 'hardlink';
  /** Lines appended to the Dockerfile, e.g. extra RUN steps. */
  dockerfileTail?: string;
}

export interface BusyboxContext {
  /** The build context folder (holds Dockerfile and rootfs/). */
  readonly dir: string;
  readonly dockerfile: string;
  /** Applets linked in /bin, sorted. */
  readonly applets: readonly string[];
}

async function availableApplets(): Promise<Set<string>> {
  const { stdout } = await run([requireTool(BUSYBOX), '--list']);
  return new Set(stdout.split('\n').filter(Boolean));
}

/** Writes the context into `dir` (created if needed; existing files with the same names are an error). */
export async function writeBusyboxContext(dir: string, opts: BusyboxContextOptions = {}): Promise<BusyboxContext> {
  const available = await availableApplets();
  const wanted = opts.applets === 'all' ? [...available] : [...(opts.applets ?? DEFAULT_APPLETS)];
  const unknown = wanted.filter((a) => !available.has(a));
  if (unknown.length > 0) throw new Error(`${BUSYBOX} has no applet ${unknown.join(', ')}`);
  const applets = [...new Set(wanted)].filter((a) => a !== 'busybox').sort();

  const rootfs = join(dir, 'rootfs');
  const bin = join(rootfs, 'bin');
  await mkdir(bin, { recursive: true });
  const busybox = join(bin, 'busybox');
  await copyFile(BUSYBOX, busybox);
  await chmod(busybox, 0o755);
  await utimes(busybox, CONTEXT_MTIME, CONTEXT_MTIME);
  for (const applet of applets) {
    const path = join(bin, applet);
    if (opts.link === 'hardlink') {
      await link(busybox, path);
    } else {
      await symlink('busybox', path);
      await lutimes(path, CONTEXT_MTIME, CONTEXT_MTIME);
    }
  }
  const dockerfile = BUSYBOX_DOCKERFILE + (opts.dockerfileTail ?? '');
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const d of [bin, rootfs]) await utimes(d, CONTEXT_MTIME, CONTEXT_MTIME);
  return { dir, dockerfile, applets };
}
