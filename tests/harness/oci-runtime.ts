// Running an OCI runtime bundle with crun 1.8 or runc 1.1. This host mounts cgroups in
// hybrid mode, which crun refuses; crun therefore runs in a private mount namespace where
// /sys/fs/cgroup/unified is unmounted. runc works as is.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { run, type RunOptions, type RunResult } from './exec.ts';
import { makeTempDir, removeTree } from './tmp.ts';
import { requireTool } from './tools.ts';

export type OciRuntime = 'crun' | 'runc';

export interface BundleOptions {
  /** process.cwd inside the container. Default '/'. */
  cwd?: string;
  /** Extra process.env entries, `KEY=value`. PATH is always set. */
  env?: readonly string[];
  /** Mount the root filesystem read-only (default true). */
  readonlyRoot?: boolean;
}

/**
 * Writes `bundleDir/config.json`: the runtime's default spec (`crun spec`: pid, network,
 * ipc, uts and mount namespaces, default capabilities) running `args` without a
 * terminal over the root filesystem at `rootfs`.
 */
export async function writeRuntimeBundle(
  bundleDir: string,
  rootfs: string,
  args: readonly string[],
  opts: BundleOptions = {},
): Promise<void> {
  await mkdir(bundleDir, { recursive: true });
  const configPath = join(bundleDir, 'config.json');
  await rm(configPath, { force: true });
  await run([requireTool('crun'), 'spec', '--bundle', bundleDir]);
  const spec = JSON.parse(await readFile(configPath, 'utf8')) as {
    process: { terminal: boolean; args: string[]; cwd: string; env: string[] };
    root: { path: string; readonly: boolean };
    hostname?: string;
  };
  spec.process.terminal = false;
  spec.process.args = [...args];
  spec.process.cwd = opts.cwd ?? '/';
  spec.process.env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...(opts.env ?? [])];
  spec.root = { path: resolve(rootfs), readonly: opts.readonlyRoot ?? true };
  spec.hostname = 'layerbox-test';
  await writeFile(configPath, `${JSON.stringify(spec, null, 2)}\n`);
}

/**
 * argv that runs the runtime with `args`; for crun, inside a private mount namespace
 * without the cgroup2 mount of the hybrid hierarchy.
 */
export function runtimeArgv(runtime: OciRuntime, args: readonly string[]): string[] {
  const binary = requireTool(runtime);
  if (runtime === 'runc') return [binary, ...args];
  return [
    requireTool('unshare'),
    '-m',
    '--propagation',
    'private',
    'sh',
    '-c',
    'if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; exec "$@"',
    'sh',
    binary,
    ...args,
  ];
}

let counter = 0;

/**
 * `crun run` / `runc run` of the bundle, in the foreground, with a private state root
 * that is removed afterwards. Resolves with the container's output and exit code.
 */
export async function runBundle(runtime: OciRuntime, bundleDir: string, opts: RunOptions = {}): Promise<RunResult> {
  const stateRoot = await makeTempDir(`lb${runtime}-`);
  const id = `lb-${process.pid}-${++counter}`;
  try {
    return await run(runtimeArgv(runtime, ['--root', stateRoot, 'run', '--bundle', resolve(bundleDir), id]), opts);
  } finally {
    // A container that failed half-way may remain in the state root.
    await run(runtimeArgv(runtime, ['--root', stateRoot, 'delete', '--force', id]), { check: false, timeoutMs: 30_000 });
    await removeTree(stateRoot);
  }
}
