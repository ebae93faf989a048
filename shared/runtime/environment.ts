/** `NAME=value` lists as processes receive them. */

export function envGet(env: readonly string[], name: string): string | undefined {
  const prefix = name + '=';
  for (let i = env.length - 1; i >= 0; i--) if (env[i]!.startsWith(prefix)) return env[i]!.slice(prefix.length);
  return undefined;
}

/** Add variables the list does not set (Docker's HOME, HOSTNAME, TERM). */
export function withDefaults(env: readonly string[], defaults: Record<string, string>): string[] {
  const out = [...env];
  for (const [k, v] of Object.entries(defaults)) if (envGet(out, k) === undefined) out.push(`${k}=${v}`);
  return out;
}
