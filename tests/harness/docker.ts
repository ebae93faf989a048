// A private Docker daemon (docker.io 20.10) for tests and benchmarks, started the way
// /work/shared/PEERS.md describes: its own data-root, exec-root, socket and pidfile in a
// scratch folder, no iptables, no bridge, overlay2 storage (vfs only if overlay2 fails).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnDaemon, waitReady } from './daemon.ts';
import { run, type RunOptions, type RunResult } from './exec.ts';
import { makeTempDir, removeTree } from './tmp.ts';
import { DOCKER_CLIENT, requireTool } from './tools.ts';

export type StorageDriver = 'overlay2' | 'vfs';

export interface Docker {
  /** Value for DOCKER_HOST, `unix:///…/docker.sock`. */
  readonly host: string;
  /** Client configuration folder (DOCKER_CONFIG), or undefined to use the caller's. */
  readonly configDir: string | undefined;
  /** Runs /usr/bin/docker against this daemon. */
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Stops the daemon if this handle started it and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

export interface StartedDocker extends Docker {
  readonly storageDriver: StorageDriver;
  readonly pid: number;
  /** Milliseconds from spawning dockerd until `docker version` answered. */
  readonly startMs: number;
}

export interface StartDockerOptions {
  /** Driver to try first; overlay2 falls back to vfs. Default overlay2. */
  storageDriver?: StorageDriver;
  /** Give up when `docker version` has not answered after this long. Default 60 s. */
  readyTimeoutMs?: number;
  /** Where notices such as the vfs fallback go. Default console.warn. */
  log?: (message: string) => void;
}

/** A handle on a daemon someone else runs; stop() does nothing. */
export function dockerClient(host: string, configDir?: string): Docker {
  requireTool(DOCKER_CLIENT);
  return {
    host,
    configDir,
    run: (args, opts = {}) =>
      run([DOCKER_CLIENT, ...args], {
        ...opts,
        env: { DOCKER_HOST: host, ...(configDir ? { DOCKER_CONFIG: configDir } : {}), ...opts.env },
      }),
    stop: async () => {},
  };
}

/** The daemon named by DOCKER_HOST (the test run's global setup sets it); throws when unset. */
export function dockerFromEnv(): Docker {
  const host = process.env.DOCKER_HOST;
  if (!host) {
    throw new Error('DOCKER_HOST is not set: run tests through vitest, whose global setup starts dockerd');
  }
  return dockerClient(host, process.env.DOCKER_CONFIG);
}

export async function startDocker(opts: StartDockerOptions = {}): Promise<StartedDocker> {
  const log = opts.log ?? ((m: string) => console.warn(m));
  const first = opts.storageDriver ?? 'overlay2';
  const timeout = opts.readyTimeoutMs ?? 60_000;
  try {
    return await startDaemon(first, timeout);
  } catch (e) {
    if (first !== 'overlay2') throw e;
    log(`dockerd: storage driver overlay2 failed, falling back to vfs: ${(e as Error).message}`);
    return startDaemon('vfs', timeout);
  }
}

async function startDaemon(driver: StorageDriver, readyTimeoutMs: number): Promise<StartedDocker> {
  const dockerd = requireTool('dockerd');
  requireTool('containerd');
  const dir = await makeTempDir('lbd-');
  const host = `unix://${join(dir, 'docker.sock')}`;
  const execRoot = join(dir, 'exec');
  const configDir = join(dir, 'client');
  await mkdir(configDir);
  // An empty client configuration: no credential helpers, and tools that read
  // DOCKER_CONFIG (podman, skopeo) find the file they stat.
  await writeFile(join(configDir, 'config.json'), '{}\n');
  const client = dockerClient(host, configDir);
  const started = performance.now();
  const daemon = spawnDaemon(
    [
      dockerd,
      '--data-root', join(dir, 'data'),
      '--exec-root', execRoot,
      '-H', host,
      '--pidfile', join(dir, 'docker.pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      `--storage-driver=${driver}`,
    ],
    { logPath: join(dir, 'dockerd.log') },
  );
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      const graceful = await daemon.stop();
      if (!graceful) {
        // The containerd that dockerd started outlives a killed dockerd.
        const pid = Number(await readFile(join(execRoot, 'containerd', 'containerd.pid'), 'utf8').catch(() => ''));
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await removeTree(dir);
    })());
  try {
    await waitReady(
      daemon,
      `dockerd --storage-driver=${driver}`,
      async () => (await client.run(['version'], { check: false, timeoutMs: 10_000 })).code === 0,
      readyTimeoutMs,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    host,
    configDir,
    storageDriver: driver,
    pid: daemon.pid,
    startMs: performance.now() - started,
    run: client.run,
    stop,
  };
}
