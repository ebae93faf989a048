import { suggest } from './suggest.ts';

/**
 * Instruction flags (`COPY --from=build --link`), checked as BuildKit's BFlags does
 * (instructions/bflag.go): each instruction declares the flags it takes; booleans may be
 * written `--link`, `--link=true` or `--link=false`; strings need `=value`; a `strings`
 * flag may repeat and collects every value; any other repeat is an error.
 */
export type FlagKind = 'bool' | 'string' | 'strings';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedFlags {
  /** Flags given, by name without dashes. */
  readonly used: ReadonlySet<string>;
  bool(name: string): boolean | undefined;
  string(name: string): string | undefined;
  strings(name: string): string[];
}

/** @throws Error with a one-line reason (the caller adds the location). */
export function parseFlags(instruction: string, raw: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, boolean | string | string[]>();
  for (const arg of raw) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) throw new Error(`arg should start with -- : ${arg}`);
    const eq = arg.indexOf('=');
    const flagName = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? '' : arg.slice(eq + 1);
    const hasValue = eq >= 0;
    const name = flagName.slice(2);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      const names = Object.keys(spec);
      const near = suggest(name, names, true);
      const hint = near !== undefined ? ` (did you mean --${near}?)` : names.length === 0 ? ` (${instruction} takes no flags)` : '';
      throw new Error(`unknown flag ${flagName} for ${instruction}${hint}`);
    }
    if (values.has(name) && kind !== 'strings') throw new Error(`duplicate flag specified: ${flagName}`);
    switch (kind) {
      case 'bool': {
        if (hasValue && value === '') throw new Error(`missing a value on flag: ${flagName}`);
        const v = value.toLowerCase();
        if (v === 'true' || v === '') values.set(name, true);
        else if (v === 'false') values.set(name, false);
        else throw new Error(`expecting boolean value for flag ${flagName}, not: ${value}`);
        break;
      }
      case 'string':
        if (!hasValue) throw new Error(`missing a value on flag: ${flagName}`);
        values.set(name, value);
        break;
      case 'strings': {
        if (!hasValue) throw new Error(`missing a value on flag: ${flagName}`);
        const list = (values.get(name) as string[] | undefined) ?? [];
        list.push(value);
        values.set(name, list);
        break;
      }
    }
  }
  return {
    used: new Set(values.keys()),
    bool: (name) => values.get(name) as boolean | undefined,
    string: (name) => values.get(name) as string | undefined,
    strings: (name) => [...((values.get(name) as string[] | undefined) ?? [])],
  };
}
