// buildah 1.28 with its own storage and configuration (see containers-config.ts).
// Builds always use chroot isolation (no runtime or cgroups needed), --layers (without
// it nothing is cached) and --pull=never.
import { run, type RunOptions, type RunResult } from './exec.ts';
import { writeContainersConfig } from './containers-config.ts';
import { makeTempDir, removeTree } from './tmp.ts';
import { requireTool } from './tools.ts';

export const BUILDAH_BUILD_FLAGS = ['--isolation', 'chroot', '--layers', '--pull=never'] as const;

export interface Buildah {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `buildah build` of `contextDir` tagged `tag` with the fixed flags, plus `extraArgs`. */
  build(contextDir: string, tag: string, extraArgs?: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Removes working containers and the whole storage folder. Idempotent. */
  stop(): Promise<void>;
}

export async function startBuildah(opts: { dir?: string } = {}): Promise<Buildah> {
  const buildah = requireTool('buildah');
  const dir = opts.dir ?? (await makeTempDir('lbb-'));
  const config = await writeContainersConfig(dir);
  const env = { ...config.env, BUILDAH_ISOLATION: 'chroot' };
  const runBuildah = (args: readonly string[], o: RunOptions = {}) =>
    run([buildah, ...args], { ...o, env: { ...env, ...o.env } });
  let stopped: Promise<void> | undefined;
  return {
    dir,
    env,
    run: runBuildah,
    build: (contextDir, tag, extraArgs = [], o = {}) =>
      runBuildah(['build', ...BUILDAH_BUILD_FLAGS, '-t', tag, ...extraArgs, contextDir], o),
    stop: () =>
      (stopped ??= (async () => {
        await runBuildah(['rm', '--all'], { check: false, timeoutMs: 60_000 });
        await removeTree(dir);
      })()),
  };
}
