/**
 * Clocks in nanoseconds. `performance` is on every host layerbox runs on (Node, pages,
 * workers) but not among the core's declared globals, hence the lookup.
 */
const perf = (globalThis as unknown as { performance?: { now(): number; timeOrigin: number } }).performance;

/** Nanoseconds on a clock that never goes back. */
export function monotonicNs(): bigint {
  return perf ? BigInt(Math.round(perf.now() * 1e6)) : BigInt(Date.now()) * 1_000_000n;
}

/** Nanoseconds since the epoch, with the host's best resolution. */
export function realtimeNs(): bigint {
  return perf ? BigInt(Math.round((perf.timeOrigin + perf.now()) * 1e3)) * 1000n : BigInt(Date.now()) * 1_000_000n;
}
