// Runs every bench/*.bench.ts (or those whose file name contains one of the command-line
// arguments), prints a table and writes bench/results.json. Each module's default export
// returns figures; a bench that throws is reported and makes the exit code 1.
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isMissing, type Bench, type Figure } from './lib.ts';

/** One line of bench/results.json. */
export type Result =
  | { name: string; unit: string; value: number; baseline: { name: string; value: number }; ratio: number }
  | { name: string; missing: string }
  | { name: string; error: string };

/** Upper bound for one bench module. */
const BENCH_TIMEOUT_MS = 10 * 60_000;

const benchDir = fileURLToPath(new URL('.', import.meta.url));

function toResult(f: Figure): Result {
  if (isMissing(f)) return { name: f.name, missing: f.missing };
  return { ...f, ratio: f.value / f.baseline.value };
}

async function runBench(file: string): Promise<Result[]> {
  const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { default?: Bench };
  if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${file} took longer than ${BENCH_TIMEOUT_MS} ms`)), BENCH_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([mod.default(), timeout])).map(toResult);
  } finally {
    clearTimeout(timer);
  }
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function printTable(results: readonly Result[]): void {
  const rows = results.map((r) => {
    if ('error' in r) return [r.name, 'ERROR', '', '', r.error];
    if ('missing' in r) return [r.name, 'missing', '', '', r.missing];
    return [r.name, `${fmt(r.value)} ${r.unit}`, r.baseline.name, `${fmt(r.baseline.value)} ${r.unit}`, `${fmt(r.ratio)}x`];
  });
  const header = ['figure', 'value', 'baseline', 'baseline value', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = (await readdir(benchDir))
    .filter((f) => f.endsWith('.bench.ts'))
    // A whole file name picks that file alone; any other word, every file containing it.
    .filter((f) => filters.length === 0 || filters.some((x) => (x.endsWith('.bench.ts') ? f === x : f.includes(x))))
    .sort();
  if (files.length === 0) {
    console.error(`no bench/*.bench.ts matches ${filters.join(' ') || '(all)'}`);
    return 1;
  }
  const results: Result[] = [];
  for (const file of files) {
    const started = performance.now();
    try {
      results.push(...(await runBench(file)));
      console.error(`${file}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      results.push({ name: file, error: e instanceof Error ? e.message : String(e) });
      console.error(`${file}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  printTable(results);
  await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results.some((r) => 'error' in r) ? 1 : 0;
}

// Exit even if a bench left a handle open (a worker pool, a store's lock socket).
process.exit(await main());
