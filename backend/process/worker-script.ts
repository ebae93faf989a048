/**
 * The JavaScript a process worker runs. A built CLI ships it as dist/process-worker.js
 * (backend/build.mjs bundles worker-entry.ts, CommonJS like dist/cli.js);
 * $LAYERBOX_PROCESS_WORKER names another file. From sources (tests, tsx) it is bundled
 * here with esbuild once per process and kept in memory, since worker_threads cannot run
 * TypeScript.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type WorkerScript = { kind: 'file'; path: string } | { kind: 'code'; code: string };

let cached: WorkerScript | null = null;

export async function processWorkerScript(): Promise<WorkerScript> {
  if (cached) return cached;
  const override = process.env.LAYERBOX_PROCESS_WORKER;
  if (override) return (cached = { kind: 'file', path: override });
  // Next to the CLI bundle (dist/cli.js), or one folder up from a chunk.
  for (const rel of ['./process-worker.js', '../process-worker.js']) {
    const built = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(built)) return (cached = { kind: 'file', path: built });
  }
  // A variable specifier, so a bundler building the CLI leaves esbuild out.
  const esbuild = 'esbuild';
  const { build } = (await import(esbuild)) as typeof import('esbuild');
  const entry = fileURLToPath(new URL('./worker-entry.ts', import.meta.url));
  const out = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning',
  });
  return (cached = { kind: 'code', code: out.outputFiles[0]!.text });
}
