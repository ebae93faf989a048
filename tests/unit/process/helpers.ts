/**
 * Test fixtures for the process runtime: a real `Vfs` filled with files, the Node worker
 * pool, and a runtime over both, with /proc mounted as a container has it.
 */
import { nodeWorkerPool } from '../../../backend/process/index.ts';
import { ProcessRuntime, type RuntimeOptions, type SpawnOptions } from '../../../shared/process/runtime.ts';
import { CollectingWriter, type ExitStatus } from '../../../shared/process/index.ts';
import type { WorkerPool } from '../../../shared/process/worker-pool.ts';
import { FsDomain, ROOT_CRED, ROOT_INO, Vfs } from '../../../shared/vfs/index.ts';

export function makeVfs(): Vfs {
  return new Vfs(FsDomain.empty({ mode: 0o755, uid: 0, gid: 0, mtime: 0 }));
}

/** mkdir -p as root; the last directory gets `mode` and owner. */
export function mkdirp(fs: Vfs, path: string, mode = 0o755, uid = 0, gid = 0): void {
  let at = '';
  const parts = path.split('/').filter(Boolean);
  parts.forEach((p, i) => {
    at += '/' + p;
    try {
      fs.lookup(ROOT_CRED, ROOT_INO, at, true);
    } catch {
      fs.mkdir(ROOT_CRED, ROOT_INO, at, 0o755);
    }
    if (i === parts.length - 1) fs.setattr(ROOT_CRED, fs.lookup(ROOT_CRED, ROOT_INO, at, true), { mode, uid, gid });
  });
}

export function put(fs: Vfs, path: string, data: Uint8Array | string, opts: { mode?: number; uid?: number; gid?: number } = {}): void {
  mkdirp(fs, path.slice(0, path.lastIndexOf('/')) || '/');
  const ino = fs.open(ROOT_CRED, ROOT_INO, path, { write: true, create: true, truncate: true }, 0o644);
  fs.write(ino, 0, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  fs.close(ino);
  fs.setattr(ROOT_CRED, ino, { mode: opts.mode ?? 0o755, uid: opts.uid ?? 0, gid: opts.gid ?? 0 });
}

export function readText(fs: Vfs, path: string): string {
  const ino = fs.lookup(ROOT_CRED, ROOT_INO, path, true);
  return new TextDecoder().decode(fs.read(ino, 0, fs.stat(ino).size));
}

/** The device nodes of a container's /dev. */
export function addDevices(fs: Vfs): void {
  mkdirp(fs, '/dev');
  const dev = (name: string, major: number, minor: number): void => {
    fs.mknod(ROOT_CRED, ROOT_INO, `/dev/${name}`, 'char', 0o666, { major, minor });
  };
  dev('null', 1, 3);
  dev('zero', 1, 5);
  dev('full', 1, 7);
  dev('random', 1, 8);
  dev('urandom', 1, 9);
  dev('tty', 5, 0);
}

export interface Box {
  fs: Vfs;
  rt: ProcessRuntime;
  /** Run to completion with captured output. */
  run(argv: string[], o?: Partial<SpawnOptions>): Promise<ExitStatus & { out: string; err: string }>;
}

export function makeBox(pool: WorkerPool, fs: Vfs, opts: Partial<RuntimeOptions> = {}): Box {
  const rt = new ProcessRuntime({ fs, pool, ...opts });
  fs.mount('/proc', rt.procFs({ hostname: () => 'box' }), { create: true });
  return {
    fs,
    rt,
    async run(argv, o = {}) {
      const out = new CollectingWriter();
      const err = new CollectingWriter();
      const r = await rt.run({ argv, env: ['PATH=/usr/bin:/bin'], stdout: out, stderr: err, ...o });
      return { ...r, out: out.text(), err: err.text() };
    },
  };
}

export async function startPool(): Promise<WorkerPool> {
  return nodeWorkerPool({ warm: 1 });
}
