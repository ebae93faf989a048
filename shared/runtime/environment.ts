import { getEnv } from '../build/metadata.ts';

/** Add variables the list does not set (Docker's HOME, HOSTNAME, TERM). `NAME=value` lists as processes receive them. */
export function withDefaults(env: readonly string[], defaults: Record<string, string>): string[] {
  const out = [...env];
  for (const [k, v] of Object.entries(defaults)) if (getEnv(out, k) === undefined) out.push(`${k}=${v}`);
  return out;
}
