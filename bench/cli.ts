// Running the bundled `layerbox` CLI (dist/layerbox.js, which `npm run bench` builds
// first) as a whole process against a store folder, the way a user runs it.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunOptions, type RunResult } from '../tests/harness/exec.ts';

export const LAYERBOX_JS = fileURLToPath(new URL('../dist/layerbox.js', import.meta.url));

/** Throws unless dist/layerbox.js exists (`npm run bench` builds it; `npm run build` alone does too). */
export async function requireBuiltCli(): Promise<void> {
  try {
    await access(LAYERBOX_JS);
  } catch {
    throw new Error(`${LAYERBOX_JS} is missing: run 'npm run build' (npm run bench does it first)`);
  }
}

/** argv of `layerbox --root ROOT ARGS...` under this Node. */
export function layerboxArgv(root: string, args: readonly string[]): string[] {
  return [process.execPath, LAYERBOX_JS, '--root', root, ...args];
}

/** Runs `layerbox --root ROOT ARGS...` to completion; a non-zero exit throws unless `check: false`. */
export function layerbox(root: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(layerboxArgv(root, args), { timeoutMs: 300_000, ...opts });
}

/** The environment of a command that runs by itself, without the store's engine service. */
export const STANDALONE = { LAYERBOX_ENGINE_SERVICE: 'off' } as const;

/**
 * Wait until the engine service of the store at `root` answers (a command started it);
 * figures of commands through the service are then of the warm service, as docker's are
 * of a running daemon.
 */
export async function serviceReady(root: string, timeoutMs = 30_000): Promise<void> {
  const { holderListening } = await import('../backend/runtime/holder.ts');
  const path = join(root, 'engine.sock');
  const end = Date.now() + timeoutMs;
  while (!(await holderListening(path))) {
    if (Date.now() > end) throw new Error(`the engine service of ${root} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
