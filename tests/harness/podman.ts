// podman 4.3 with a private configuration (see containers-config.ts). Podman has no
// daemon: "starting" it means writing its configuration; stop() removes its containers
// and its storage. Pass `--pull never` to run/create/build; the configuration also
// sets pull_policy = "never".
import { run, type RunOptions, type RunResult } from './exec.ts';
import { writeContainersConfig } from './containers-config.ts';
import { makeTempDir, removeTree } from './tmp.ts';
import { requireTool } from './tools.ts';

export interface Podman {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Removes every container and the whole storage folder. Idempotent. */
  stop(): Promise<void>;
}

export async function startPodman(opts: { dir?: string } = {}): Promise<Podman> {
  const podman = requireTool('podman');
  requireTool('runc');
  requireTool('conmon');
  const dir = opts.dir ?? (await makeTempDir('lbp-'));
  const config = await writeContainersConfig(dir);
  const runPodman = (args: readonly string[], o: RunOptions = {}) =>
    run([podman, ...args], { ...o, env: { ...config.env, ...o.env } });
  let stopped: Promise<void> | undefined;
  return {
    dir,
    env: config.env,
    run: runPodman,
    stop: () =>
      (stopped ??= (async () => {
        await runPodman(['rm', '--all', '--force', '--time', '0'], { check: false, timeoutMs: 60_000 });
        await removeTree(dir);
      })()),
  };
}
