// Helpers for benchmarks: robust timing, peer availability, and the peer starters shared
// with the tests. Every measurement is bounded in runs and in wall time.
import { spawn } from 'node:child_process';
import { childEnv } from '../tests/harness/exec.ts';
import { DEBIAN_PACKAGE, findTool } from '../tests/harness/tools.ts';

export {
  startDocker,
  startPodman,
  startBuildah,
  startRegistry,
  writeRuntimeBundle,
  runtimeArgv,
  skopeo,
  umoci,
  run,
  makeTempDir,
  removeTree,
  findTool,
  hasTool,
  requireTool,
  BUSYBOX,
  DOCKER_CLIENT,
  type Docker,
  type StartedDocker,
  type Podman,
  type Buildah,
  type Registry,
} from '../tests/harness/peers.ts';
export { writeBusyboxContext } from '../tests/harness/busybox-image.ts';

/** One figure a bench reports: our value next to a peer's value measured in the same run. */
export interface Measured {
  name: string;
  unit: string;
  value: number;
  baseline: { name: string; value: number };
}

/** A figure that could not be measured because a peer is not installed. */
export interface Missing {
  name: string;
  missing: string;
}

export type Figure = Measured | Missing;

/** What a `bench/*.bench.ts` module exports as default. */
export type Bench = () => Promise<Figure[]>;

export function isMissing(f: Figure): f is Missing {
  return 'missing' in f;
}

/** The `missing` text for `tool` if it is not installed, else undefined. */
export function peerMissing(tool: string): string | undefined {
  if (findTool(tool) !== undefined) return undefined;
  const pkg = DEBIAN_PACKAGE[tool.replace(/^.*\//, '')];
  return `${tool} not installed${pkg ? ` (Debian package ${pkg})` : ''}`;
}

/** Checks `tools` and returns the Missing entry for `name` naming the first absent one, or undefined. */
export function missingPeer(name: string, ...tools: string[]): Missing | undefined {
  for (const tool of tools) {
    const why = peerMissing(tool);
    if (why) return { name, missing: why };
  }
  return undefined;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface TimeOptions {
  /** Measured runs (at most). */
  runs: number;
  /** Unmeasured runs first, to warm caches. Default 1. */
  warmup?: number;
  /** Stop measuring once this much wall time has passed (after at least 3 runs). Default 30 s. */
  maxMs?: number;
}

export interface Timing {
  /** Milliseconds. */
  median: number;
  min: number;
  max: number;
  /** Runs actually measured. */
  runs: number;
  samples: number[];
}

/**
 * Runs `once` (which returns the milliseconds it measured, so it can leave set-up and
 * clean-up out of the figure) `opts.warmup` times unmeasured, then up to `opts.runs` times.
 */
export async function measure(once: () => Promise<number>, opts: TimeOptions): Promise<Timing> {
  if (!(opts.runs >= 1)) throw new Error(`runs must be at least 1, got ${opts.runs}`);
  const maxMs = opts.maxMs ?? 30_000;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await once();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < opts.runs) {
    samples.push(await once());
    if (samples.length >= 3 && performance.now() - started > maxMs) break;
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length, samples };
}

/** Wall time of `fn`, in milliseconds. */
export function timeIt(fn: () => unknown, opts: TimeOptions): Promise<Timing> {
  return measure(async () => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  }, opts);
}

export interface CommandTimeOptions extends TimeOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Spawns argv once and resolves its whole-process wall time (spawn to exit); a non-zero exit throws. */
export function spawnTimed(argv: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('spawnTimed: empty argv');
  const env = childEnv(opts.env);
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(file, args, { stdio: 'ignore', env, cwd: opts.cwd });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - t;
      if (code === 0) resolve(ms);
      else reject(new Error(`${argv.join(' ')}: ${code === null ? `killed by ${signal}` : `exit code ${code}`}`));
    });
  });
}

/** Whole-process wall time of argv over repeated runs. */
export function timeCommand(argv: readonly string[], opts: CommandTimeOptions): Promise<Timing> {
  return measure(() => spawnTimed(argv, opts), opts);
}
