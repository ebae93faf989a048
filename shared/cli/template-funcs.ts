import {
  compareGoStrings,
  goKind,
  goSprint,
  goSprintf,
  goSprintln,
  goString,
  goTypeName,
  isGoNil,
  isGoPrint,
  utf8Length,
} from './gofmt.ts';
import { goJson } from './gojson.ts';

/**
 * Template functions: Go's builtins (and, or, not, len, index, slice, print, printf,
 * println, eq, ne, lt, le, gt, ge, html, js, urlquery, call) and docker's additions
 * (json, split, join, title, lower, upper, pad, truncate), with Go's argument checks
 * and error texts.
 */

/**
 * The Go parameter type a function declares. `value` is reflect.Value (anything,
 * including no value), `any` is interface{} (no value arrives as nil), `strings` is
 * []string.
 */
export type ParamType = 'value' | 'any' | 'string' | 'int' | 'bool' | 'strings';

export interface TemplateFunc {
  params: readonly ParamType[];
  /** Type of the trailing variadic arguments, if the function is variadic. */
  variadic?: ParamType;
  /** Throwing an Error makes execution fail with `error calling NAME: <message>`. */
  fn: (...args: unknown[]) => unknown;
}

/** An error raised inside a template function. */
export class FuncError extends Error {}

export function truth(v: unknown): boolean {
  switch (goKind(v)) {
    case 'invalid':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return (v as number) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return Object.keys(v as object).length > 0;
    case 'struct':
    case 'func':
    case 'time':
      return true;
  }
}

// ---------------------------------------------------------------- comparison

type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): BasicKind {
  const k = goKind(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null || isGoNil(v);
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) throw new FuncError('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      t = arg1 === arg;
    } else {
      const c1 = goKind(arg1);
      const c2 = goKind(arg);
      if (c1 !== c2 && arg1 !== undefined && arg !== undefined) {
        throw new FuncError(`non-comparable types ${goString(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${goString(arg)}`);
      }
      if (isNilValue(arg1) || isNilValue(arg)) {
        t = isNilValue(arg1) === isNilValue(arg);
      } else if (c2 === 'time') {
        t = (arg1 as Date).getTime() === (arg as Date).getTime();
      } else {
        throw new FuncError(`non-comparable type ${goString(arg)}: ${goTypeName(arg)}`);
      }
    }
    if (t) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new FuncError('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  if (k1 === 'string') return compareGoStrings(a as string, b as string) < 0;
  return (a as number) < (b as number);
}

// ---------------------------------------------------------------- indexing

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function indexArg(index: unknown, cap: number): number {
  if (index === undefined || index === null) throw new FuncError('cannot index slice/array with nil');
  if (goKind(index) !== 'int') throw new FuncError(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = index as number;
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

/** A map whose values are all strings acts as Go's map[string]string: a missing key reads "". */
function isStringMap(m: object): boolean {
  return Object.values(m).every((x) => typeof x === 'string');
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  let cur: unknown = item;
  for (const ix of indexes) {
    if (cur === undefined || cur === null) throw new FuncError('index of nil pointer');
    const k = goKind(cur);
    if (k === 'slice' || k === 'string') {
      const isStr = k === 'string';
      const bytes = isStr ? encoder.encode(cur as string) : null;
      const len = isStr ? bytes!.length : (cur as unknown[]).length;
      const x = indexArg(ix, len);
      if (x >= len) throw new FuncError(`reflect: ${isStr ? 'string' : 'slice'} index out of range`);
      cur = isStr ? bytes![x] : (cur as unknown[])[x];
    } else if (k === 'map') {
      if (ix === undefined || ix === null) throw new FuncError('value is nil; should be of type string');
      if (typeof ix !== 'string') throw new FuncError(`value has type ${goTypeName(ix)}; should be string`);
      const m = cur as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(m, ix)) cur = m[ix];
      else cur = isStringMap(m) ? '' : undefined;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const k = goKind(item);
  let len: number;
  let bytes: Uint8Array | null = null;
  if (k === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    bytes = encoder.encode(item as string);
    len = bytes.length;
  } else if (k === 'slice') {
    len = (item as unknown[]).length;
  } else {
    throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((ix, i) => (idx[i] = indexArg(ix, len)));
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return decoder.decode(bytes.subarray(idx[0], idx[1]));
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  if (item === undefined || item === null) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  switch (goKind(item)) {
    case 'slice':
      return (item as unknown[]).length;
    case 'string':
      return utf8Length(item as string);
    case 'map':
      return Object.keys(item as object).length;
  }
  throw new FuncError(`len of type ${goTypeName(item)}`);
}

// ---------------------------------------------------------------- escaping

/** The text of print-like arguments, as Go's evalArgs builds it. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return goSprint(args.map((a) => (a === undefined ? '<no value>' : a)));
}

function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const special: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
    if (ch in special) out += special[ch];
    else if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80) out += ch;
    else if (isGoPrint(c)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---------------------------------------------------------------- docker's string functions

function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** Go's simple case mapping: a rune maps to one rune or stays as it is. */
function mapCase(s: string, f: (c: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? mapCase(ch, (c) => c.toUpperCase()) : ch;
    prev = ch;
  }
  return out;
}

function repeat(s: string, n: number): string {
  if (n < 0) throw new FuncError('strings: negative Repeat count');
  return s.repeat(n);
}

function truncate(s: string, n: number): string {
  const bytes = encoder.encode(s);
  if (bytes.length < n) return s;
  if (n < 0) throw new FuncError(`runtime error: slice bounds out of range [:${n}]`);
  return decoder.decode(bytes.subarray(0, n));
}

function split(s: string, sep: string): string[] {
  if (sep === '') return [...s];
  return s.split(sep);
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (fn === undefined || fn === null) throw new FuncError('call of nil');
  if (typeof fn !== 'function') throw new FuncError(`non-function of type ${goTypeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

const V: ParamType = 'value';

/** Go's builtin template functions. `and`/`or` are evaluated lazily by the executor. */
export const BUILTIN_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  and: { params: [V], variadic: V, fn: () => undefined },
  or: { params: [V], variadic: V, fn: () => undefined },
  not: { params: [V], fn: (a) => !truth(a) },
  len: { params: [V], fn: length },
  index: { params: [V], variadic: V, fn: index },
  slice: { params: [V], variadic: V, fn: slice },
  print: { params: [], variadic: 'any', fn: (...a) => goSprint(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f, ...a) => goSprintf(f as string, a) },
  println: { params: [], variadic: 'any', fn: (...a) => goSprintln(a) },
  eq: { params: [V], variadic: V, fn: eq },
  ne: { params: [V, V], fn: (a, b) => !eq(a, b) },
  lt: { params: [V, V], fn: lt },
  le: { params: [V, V], fn: (a, b) => lt(a, b) || eq(a, b) },
  gt: { params: [V, V], fn: (a, b) => !(lt(a, b) || eq(a, b)) },
  ge: { params: [V, V], fn: (a, b) => !lt(a, b) },
  html: { params: [], variadic: 'any', fn: (...a) => htmlEscape(evalArgs(a)) },
  js: { params: [], variadic: 'any', fn: (...a) => jsEscape(evalArgs(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a) => urlQueryEscape(evalArgs(a)) },
  call: { params: [V], variadic: V, fn: call },
};

/** docker's template functions (docker/cli templates.basicFunctions). */
export const DOCKER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: { params: ['any'], fn: (v) => goJson(v) },
  split: { params: ['string', 'string'], fn: (s, sep) => split(s as string, sep as string) },
  join: { params: ['strings', 'string'], fn: (a, sep) => ((a as string[] | undefined) ?? []).join(sep as string) },
  title: { params: ['string'], fn: (s) => title(s as string) },
  lower: { params: ['string'], fn: (s) => mapCase(s as string, (c) => c.toLowerCase()) },
  upper: { params: ['string'], fn: (s) => mapCase(s as string, (c) => c.toUpperCase()) },
  pad: {
    params: ['string', 'int', 'int'],
    fn: (s, p, q) => ((s as string) === '' ? '' : repeat(' ', p as number) + (s as string) + repeat(' ', q as number)),
  },
  truncate: { params: ['string', 'int'], fn: (s, n) => truncate(s as string, n as number) },
};

/**
 * What docker renders a table header with: the same names, but functions that would
 * change a column title leave it as it is (docker/cli templates.HeaderFunctions).
 */
export const HEADER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: { params: ['string'], fn: (v) => v },
  split: { params: ['string', 'string'], fn: (v) => v },
  join: { params: ['string', 'string'], fn: (v) => v },
  title: { params: ['string'], fn: (v) => v },
  lower: { params: ['string'], fn: (v) => v },
  upper: { params: ['string'], fn: (v) => v },
  truncate: { params: ['string', 'int'], fn: (v) => v },
};
