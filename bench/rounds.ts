// Measuring several contenders in alternation: round i runs each of them once, so a
// load spike on a shared machine hits all of them alike instead of whichever happened
// to be measured at that moment.
import { median, type Timing } from './lib.ts';

export interface RoundOptions {
  /** Measured rounds (at most). */
  runs: number;
  /** Unmeasured rounds first. Default 1. */
  warmup?: number;
  /** Stop once this much wall time has passed (after at least 3 rounds). Default 60 s. */
  maxMs?: number;
}

/**
 * Each contender returns the milliseconds it measured (so it can leave its own set-up
 * out). Resolves one Timing per contender, under the same keys.
 */
export async function measureRounds<K extends string>(contenders: Record<K, () => Promise<number>>, opts: RoundOptions): Promise<Record<K, Timing>> {
  if (!(opts.runs >= 1)) throw new Error(`runs must be at least 1, got ${opts.runs}`);
  const keys = Object.keys(contenders) as K[];
  for (let i = 0; i < (opts.warmup ?? 1); i++) for (const k of keys) await contenders[k]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const started = performance.now();
  for (let round = 0; round < opts.runs; round++) {
    for (const k of keys) samples[k].push(await contenders[k]());
    if (round >= 2 && performance.now() - started > (opts.maxMs ?? 60_000)) break;
  }
  return Object.fromEntries(
    keys.map((k) => {
      const s = samples[k];
      return [k, { median: median(s), min: Math.min(...s), max: Math.max(...s), runs: s.length, samples: s }];
    }),
  ) as Record<K, Timing>;
}

/** Wall time of `fn` in milliseconds. */
export async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
