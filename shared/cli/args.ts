import { InvalidArgumentError, LayerboxError } from '../errors.ts';
import { formatFloat, goQuote, goQuoteRune, sortedKeys } from './gofmt.ts';
import { bytesSize, goDurationString, parseGoDuration, ramInBytes } from './units.ts';

/**
 * Flag parsing with the semantics docker's CLI gets from spf13/pflag:
 *
 * - `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`;
 * - booleans take no value (`--all`, `-a`), only `--all=false`; shorthands combine
 *   (`-qa`, `-qn5`); a flag may repeat, and list flags collect every value;
 * - `--` ends the flags; a lone `-` is an argument;
 * - interspersed: flags may follow arguments (`ls img -a`), unless the command stops
 *   at its first argument (`run IMAGE CMD -l` passes `-l` to CMD);
 * - errors worded as pflag words them: `unknown flag: --foo`,
 *   `unknown shorthand flag: 'z' in -z`, `flag needs an argument: 't' in -t`,
 *   `invalid argument "x" for "-n, --last" flag: strconv.ParseInt: ...`.
 *
 * Hand-written because npm's parsers (commander, yargs, minimist) differ from pflag in
 * these rules and in every message, and matching docker's command line is the point.
 */

/**
 * Value kinds, named as docker's help prints them: bool; string; int; uint; float;
 * duration (Go syntax `1m30s`, read as milliseconds); bytes (`512m`, binary multiples);
 * list (docker's ListOpts: repeatable, one value each); stringArray (same, but a
 * default is replaced by the first value); strings (pflag StringSlice: comma-separated,
 * repeatable); map (repeatable `key=value`); filter (repeatable `name=value`).
 */
export type FlagType =
  | 'bool'
  | 'string'
  | 'int'
  | 'uint'
  | 'float'
  | 'duration'
  | 'bytes'
  | 'list'
  | 'stringArray'
  | 'strings'
  | 'map'
  | 'filter';

export type FlagValue = boolean | string | number | readonly string[] | Readonly<Record<string, string>>;

export interface FlagSpec {
  /** Long name, without dashes. */
  name: string;
  /** One character, without the dash. */
  shorthand?: string;
  type: FlagType;
  /** One line of help; a `word` in backquotes names the value in the help column. */
  help: string;
  /** Default value; the zero of the type when absent (duration in milliseconds). */
  default?: FlagValue;
  /** Replaces the type word in help, as docker's custom types do ('decimal', 'ulimit'). */
  valueName?: string;
  /** Replaces the `(default ...)` text in help; '' shows none. */
  defaultText?: string;
  hidden?: boolean;
  /** Still accepted but not shown; the text says what to use instead. */
  deprecated?: string;
  /**
   * Checks one value (each item, for repeatable flags) and returns it, possibly
   * normalised. Throwing an Error makes parsing fail with
   * `invalid argument "<value>" for "<flag>" flag: <message>`.
   */
  validate?: (value: string) => string;
}

/** A command-line grammar error; the CLI prints it as docker does and exits 125. */
export class FlagError extends InvalidArgumentError {}

/** Misuse of the flag API by a command definition: a bug, not user input. */
export class FlagDefinitionError extends LayerboxError {}

/** The type word help shows after a flag name ('' for booleans). */
export function flagTypeName(spec: FlagSpec): string {
  const m = /`([^`]*)`/.exec(spec.help);
  if (m) return m[1]!;
  if (spec.valueName !== undefined) return spec.valueName;
  return spec.type === 'bool' ? '' : spec.type;
}

/** The help text with backquotes removed. */
export function flagHelpText(spec: FlagSpec): string {
  const m = /`([^`]*)`/.exec(spec.help);
  return m ? spec.help.replace(m[0], m[1]!) : spec.help;
}

export function zeroValue(type: FlagType): FlagValue {
  switch (type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'int':
    case 'uint':
    case 'float':
    case 'duration':
    case 'bytes':
      return 0;
    case 'list':
    case 'stringArray':
    case 'strings':
    case 'filter':
      return [];
    case 'map':
      return {};
  }
}

/** The `(default ...)` text help shows, or '' when the default is the zero value. */
export function defaultText(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText === '' ? '' : `(default ${spec.defaultText})`;
  const d = spec.default ?? zeroValue(spec.type);
  switch (spec.type) {
    case 'bool':
      return d === true ? '(default true)' : '';
    case 'string':
      return d === '' ? '' : `(default ${goQuote(d as string)})`;
    case 'int':
    case 'uint':
      return d === 0 ? '' : `(default ${d})`;
    case 'float':
      return d === 0 ? '' : `(default ${formatFloat(d as number, 'g', -1)})`;
    case 'duration':
      return d === 0 ? '' : `(default ${goDurationString((d as number) * 1e6)})`;
    case 'bytes':
      return d === 0 ? '' : `(default ${bytesSize(d as number)})`;
    case 'list':
    case 'filter':
      return (d as string[]).length === 0 ? '' : `(default [${(d as string[]).join(' ')}])`;
    case 'stringArray':
    case 'strings':
      return (d as string[]).length === 0 ? '' : `(default [${(d as string[]).join(',')}])`;
    case 'map': {
      // docker's MapOpts prints its value even when empty.
      const m = d as Record<string, string>;
      return `(default map[${sortedKeys(m)
        .map((k) => `${k}:${m[k]}`)
        .join(' ')}])`;
    }
  }
}

// ---------------------------------------------------------------- value parsing

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function parseBool(s: string): boolean {
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/** strconv.ParseInt / ParseUint with base 0 and 64 bits. */
function parseInteger(s: string, unsigned: boolean): number {
  const fn = unsigned ? 'strconv.ParseUint' : 'strconv.ParseInt';
  const syntax = new Error(`${fn}: parsing ${goQuote(s)}: invalid syntax`);
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(s);
  if (!m || (unsigned && m[1] !== '')) throw syntax;
  let body = m[2]!;
  if (body.includes('_')) {
    // Underscores only between digits of a prefixed number.
    if (/__|_$/.test(body)) throw syntax;
    body = body.replaceAll('_', '');
  }
  if (/^0[xXoObB]$/.test(body)) throw syntax;
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  const v = BigInt(body) * (m[1] === '-' ? -1n : 1n);
  const [lo, hi] = unsigned ? [0n, 18446744073709551615n] : [-9223372036854775808n, 9223372036854775807n];
  if (v < lo || v > hi) throw new Error(`${fn}: parsing ${goQuote(s)}: value out of range`);
  return Number(v);
}

function parseFloat64(s: string): number {
  const t = s.replaceAll('_', '');
  if (!/^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)$/i.test(t)) {
    throw new Error(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  }
  if (/^[+-]?inf/i.test(t)) return t[0] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const v = Number(t);
  if (!Number.isFinite(v)) throw new Error(`strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** encoding/csv's reading of one line, as pflag's StringSlice splits a value. */
function parseCsvLine(s: string): string[] {
  if (s === '') return [];
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new Error(`parse error on line 1, column ${s.length + 1}: extraneous or missing " in quoted-field`);
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += s[i++];
      }
      if (i < s.length && s[i] !== ',') throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const j = s.indexOf(',', i);
      field = j < 0 ? s.slice(i) : s.slice(i, j);
      if (field.includes('"')) throw new Error(`parse error on line 1, column ${i + field.indexOf('"') + 1}: bare " in non-quoted-field`);
      i = j < 0 ? s.length : j;
    }
    out.push(field);
    if (i >= s.length) return out;
    i++; // the comma
    if (i >= s.length) {
      out.push('');
      return out;
    }
  }
}

function flagDisplayName(spec: FlagSpec): string {
  return spec.shorthand && !spec.deprecated ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`;
}

// ---------------------------------------------------------------- parsed values

/** Parsed flag values of one command, read through typed getters. */
export class FlagValues {
  constructor(
    private readonly specs: ReadonlyMap<string, FlagSpec>,
    private readonly values: ReadonlyMap<string, FlagValue>,
    private readonly set: ReadonlySet<string>,
  ) {}

  private spec(name: string, ...types: FlagType[]): FlagSpec {
    const s = this.specs.get(name);
    if (!s) throw new FlagDefinitionError(`no flag --${name} is defined`);
    if (types.length && !types.includes(s.type)) throw new FlagDefinitionError(`flag --${name} is a ${s.type}, not ${types.join(' or ')}`);
    return s;
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  /** Whether the flag was given on the command line (even with its default value). */
  changed(name: string): boolean {
    this.spec(name);
    return this.set.has(name);
  }

  get(name: string): FlagValue {
    const s = this.spec(name);
    return this.values.get(name) ?? s.default ?? zeroValue(s.type);
  }

  bool(name: string): boolean {
    this.spec(name, 'bool');
    return this.get(name) as boolean;
  }

  string(name: string): string {
    this.spec(name, 'string');
    return this.get(name) as string;
  }

  /** int, uint, float, bytes (bytes) and duration (milliseconds) flags. */
  number(name: string): number {
    this.spec(name, 'int', 'uint', 'float', 'bytes', 'duration');
    return this.get(name) as number;
  }

  /** list, stringArray, strings and filter flags. */
  list(name: string): readonly string[] {
    this.spec(name, 'list', 'stringArray', 'strings', 'filter');
    return this.get(name) as readonly string[];
  }

  map(name: string): Readonly<Record<string, string>> {
    this.spec(name, 'map');
    return this.get(name) as Readonly<Record<string, string>>;
  }

  /** All values by flag name. */
  toObject(): Record<string, FlagValue> {
    const out: Record<string, FlagValue> = {};
    for (const name of this.specs.keys()) out[name] = this.get(name);
    return out;
  }
}

// ---------------------------------------------------------------- the parser

export interface ParseOptions {
  /** Flags may follow arguments (default true). false: the first argument ends the flags. */
  interspersed?: boolean;
}

export interface ParsedArgs {
  flags: FlagValues;
  /** Positional arguments, in order. */
  args: string[];
  /** How many of `args` came before a `--`, or -1 if there was none. */
  argsLenAtDash: number;
}

/** Check a set of flag definitions once: unique names and shorthands, one-character shorthands. */
export function checkFlagSpecs(specs: readonly FlagSpec[]): void {
  const names = new Set<string>();
  const shorts = new Set<string>();
  for (const s of specs) {
    if (!s.name || s.name.startsWith('-') || s.name.includes('=')) throw new FlagDefinitionError(`bad flag name ${goQuote(s.name)}`);
    if (names.has(s.name)) throw new FlagDefinitionError(`flag --${s.name} is defined twice`);
    names.add(s.name);
    if (s.shorthand !== undefined) {
      if ([...s.shorthand].length !== 1) throw new FlagDefinitionError(`flag --${s.name}: shorthand must be one character`);
      if (shorts.has(s.shorthand)) throw new FlagDefinitionError(`shorthand -${s.shorthand} is defined twice`);
      shorts.add(s.shorthand);
    }
  }
}

/** Parse `argv` against `specs`; throws FlagError worded as pflag words it. */
export function parseArgs(specs: readonly FlagSpec[], argv: readonly string[], opts: ParseOptions = {}): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.shorthand) byShort.set(s.shorthand, s);
  }
  const values = new Map<string, FlagValue>();
  const changed = new Set<string>();
  const interspersed = opts.interspersed ?? true;

  const setValue = (spec: FlagSpec, raw: string): void => {
    const first = !changed.has(spec.name);
    let v: FlagValue;
    try {
      const check = (x: string): string => (spec.validate ? spec.validate(x) : x);
      switch (spec.type) {
        case 'bool':
          v = parseBool(raw);
          break;
        case 'string':
          v = check(raw);
          break;
        case 'int':
        case 'uint':
          v = parseInteger(check(raw), spec.type === 'uint');
          break;
        case 'float':
          v = parseFloat64(check(raw));
          break;
        case 'duration':
          v = parseGoDuration(check(raw)) / 1e6;
          break;
        case 'bytes':
          v = ramInBytes(check(raw));
          break;
        case 'list':
          v = [...((values.get(spec.name) as string[] | undefined) ?? (spec.default as string[] | undefined) ?? []), check(raw)];
          break;
        case 'filter': {
          if (!raw.includes('=')) throw new Error('bad format of filter (expected name=value)');
          v = [...((values.get(spec.name) as string[] | undefined) ?? (spec.default as string[] | undefined) ?? []), check(raw)];
          break;
        }
        case 'stringArray':
          v = [...(first ? [] : (values.get(spec.name) as string[])), check(raw)];
          break;
        case 'strings': {
          const items = parseCsvLine(raw).map(check);
          v = [...(first ? [] : (values.get(spec.name) as string[])), ...items];
          break;
        }
        case 'map': {
          const item = check(raw);
          const i = item.indexOf('=');
          const prev = (values.get(spec.name) as Record<string, string> | undefined) ?? { ...((spec.default as Record<string, string> | undefined) ?? {}) };
          v = { ...prev, [i < 0 ? item : item.slice(0, i)]: i < 0 ? '' : item.slice(i + 1) };
          break;
        }
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(flagDisplayName(spec))} flag: ${msg}`);
    }
    values.set(spec.name, v);
    changed.add(spec.name);
  };

  const args: string[] = [];
  let argsLenAtDash = -1;
  let rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length === 0 || s[0] !== '-' || s.length === 1) {
      if (!interspersed) {
        args.push(s, ...rest);
        break;
      }
      args.push(s);
      continue;
    }
    if (s[1] === '-') {
      if (s.length === 2) {
        argsLenAtDash = args.length;
        args.push(...rest);
        break;
      }
      rest = parseLong(s, rest);
    } else {
      rest = parseShort(s, rest);
    }
  }
  return { flags: new FlagValues(byName, values, changed), args, argsLenAtDash };

  function parseLong(s: string, rest: string[]): string[] {
    const body = s.slice(2);
    if (body.length === 0 || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = byName.get(name);
    if (!spec) throw new FlagError(`unknown flag: --${name}`);
    if (eq >= 0) setValue(spec, body.slice(eq + 1));
    else if (spec.type === 'bool') setValue(spec, 'true');
    else if (rest.length > 0) setValue(spec, rest.shift()!);
    else throw new FlagError(`flag needs an argument: ${s}`);
    return rest;
  }

  function parseShort(s: string, rest: string[]): string[] {
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0)!);
      const spec = byShort.get(c);
      if (!spec) throw new FlagError(`unknown shorthand flag: ${goQuoteRune(c.codePointAt(0)!)} in -${shorthands}`);
      const after = shorthands.slice(c.length);
      if (after.length > 1 && after[0] === '=') {
        setValue(spec, after.slice(1));
        shorthands = '';
      } else if (spec.type === 'bool') {
        setValue(spec, 'true');
        shorthands = after;
      } else if (after.length > 0) {
        setValue(spec, after);
        shorthands = '';
      } else if (rest.length > 0) {
        setValue(spec, rest.shift()!);
        shorthands = '';
      } else {
        throw new FlagError(`flag needs an argument: ${goQuoteRune(c.codePointAt(0)!)} in -${shorthands}`);
      }
    }
    return rest;
  }
}
