/**
 * Go's `fmt` as docker's output shows it: `%v` printing of values, `strconv.Quote`,
 * float formatting with Go's rounding, and a `Sprintf` subset. Written here because
 * JavaScript's own number and object printing differs from Go's in ways users see
 * (`map[a:1]`, `1e+06`, `%!d(string=x)`); no npm package reproduces Go's fmt.
 *
 * Value model: JavaScript values stand in for Go's. Integral numbers below 2^53 are
 * Go `int`, other numbers `float64`; arrays are slices, plain objects are maps (printed with
 * sorted keys), `Date` is `time.Time`, `null`/`undefined` are nil. An array whose
 * items are all strings (or that is empty) counts as `[]string`, and an object whose
 * values are all strings counts as `map[string]string`, which is what docker's typed
 * data (Env, Cmd, Labels) is.
 */

/** Marks a value that prints like a nil Go slice or map: `[]` / `map[]`, JSON `null`. */
export const GO_NIL: unique symbol = Symbol('go.nil');
/** A nil `[]string`: prints `[]`, encodes as JSON `null` (docker's empty Entrypoint). */
export const NIL_LIST: readonly string[] = Object.freeze(Object.assign([] as string[], { [GO_NIL]: true }));
/** A nil `map[string]string`: prints `map[]`, encodes as JSON `null` (docker's empty Volumes). */
export const NIL_MAP: Readonly<Record<string, string>> = Object.freeze(
  Object.defineProperty({}, GO_NIL, { value: true, enumerable: false }) as Record<string, string>,
);

export function isGoNil(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { [GO_NIL]?: boolean })[GO_NIL] === true;
}

/** Names the Go struct type an object stands for; see `goStruct`. */
export const GO_TYPE: unique symbol = Symbol('go.type');

/**
 * Mark an object as a Go struct of the named type (e.g. 'types.ImageInspect'): a
 * missing field is then an error rather than "no value", it is always true in `if`,
 * and it prints as Go prints structs, `{v1 v2}` in key order. Returns the same object.
 */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  Object.defineProperty(fields, GO_TYPE, { value: typeName, enumerable: false, configurable: true });
  return fields;
}

export function isStruct(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { [GO_TYPE]?: string })[GO_TYPE] === 'string';
}

export function structName(v: object): string {
  return (v as { [GO_TYPE]: string })[GO_TYPE];
}

export type GoKind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func' | 'time';

export function goKind(v: unknown): GoKind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'invalid';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Date) return 'time';
      return isStruct(v) ? 'struct' : 'map';
    default:
      return 'invalid';
  }
}

/** Go's name for the type of a value, as error messages print it. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'invalid':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'func':
      return 'func';
    case 'time':
      return 'time.Time';
    case 'struct':
      return structName(v as object);
    case 'slice':
      return (v as unknown[]).every((x) => typeof x === 'string') ? '[]string' : '[]interface {}';
    case 'map':
      return Object.values(v as object).every((x) => typeof x === 'string')
        ? 'map[string]string'
        : 'map[string]interface {}';
  }
}

// ---------------------------------------------------------------- strings and runes

/** Length of a string in UTF-8 bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Number of code points (Go's utf8.RuneCountInString). */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint: graphic characters and the ASCII space only. */
export function isGoPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(cp: number, quote: string): string {
  if (cp === quote.codePointAt(0) || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (isGoPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd'; // a lone surrogate is not valid UTF-8
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"');
  return out + '"';
}

/** strconv.QuoteRune: a single-quoted Go rune literal. */
export function goQuoteRune(cp: number): string {
  return "'" + escapeRune(cp, "'") + "'";
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x60 || c === 0xfeff) return false;
    if (c < 0x20 && c !== 0x09) return false;
    if (c === 0x7f) return false;
  }
  return true;
}

/** Parse a Go interpreted string literal (with quotes) or raw string literal. */
export function goUnquote(lit: string): string {
  if (lit.length >= 2 && lit[0] === '`' && lit[lit.length - 1] === '`') {
    return lit.slice(1, -1).replaceAll('\r', '');
  }
  const q = lit[0];
  if (lit.length < 2 || (q !== '"' && q !== "'") || lit[lit.length - 1] !== q) throw new SyntaxError('invalid syntax');
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === q) throw new SyntaxError('invalid syntax');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e === undefined) throw new SyntaxError('invalid syntax');
    if (e in simple) {
      out += simple[e];
    } else if (e === q) {
      out += q;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new SyntaxError('invalid syntax');
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new SyntaxError('invalid syntax');
      out += e === 'x' ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) throw new SyntaxError('invalid syntax');
      const v = parseInt(o, 8);
      if (v > 255) throw new SyntaxError('invalid syntax');
      out += String.fromCharCode(v);
      i += 2;
    } else {
      throw new SyntaxError('invalid syntax');
    }
  }
  if (q === "'" && runeCount(out) !== 1) throw new SyntaxError('invalid syntax');
  return out;
}

// ---------------------------------------------------------------- floats

/** A non-negative finite number as decimal digits (no leading/trailing zeros) and a decimal point position. */
interface Decimal {
  d: string;
  dp: number;
}

/** The exact decimal expansion of a double, as Go's strconv sees it before rounding. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimDecimal({ d: digits, dp });
}

function trimDecimal(x: Decimal): Decimal {
  let d = x.d;
  let dp = x.dp;
  let start = 0;
  while (start < d.length && d[start] === '0') {
    start++;
    dp--;
  }
  d = d.slice(start);
  let end = d.length;
  while (end > 0 && d[end - 1] === '0') end--;
  d = d.slice(0, end);
  if (d === '') dp = 0;
  return { d, dp };
}

/** Shortest digits that read back as the same double (what Go's `%v` and `'g', -1` use). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [m, e] = x.toExponential().split('e') as [string, string];
  return trimDecimal({ d: m.replace('.', ''), dp: Number(e) + 1 });
}

/** Round to nd digits, half to even on the exact value, as Go's decimal.Round. */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= x.d.length) return x;
  const next = x.d[nd]!;
  let up: boolean;
  if (next === '5' && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= '5';
  if (!up) return trimDecimal({ d: x.d.slice(0, nd), dp: x.dp });
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return trimDecimal({ d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp });
}

function digitAt(x: Decimal, i: number): string {
  return i >= 0 && i < x.d.length ? x.d[i]! : '0';
}

function fmtE(x: Decimal, prec: number, e: string): string {
  let s = digitAt(x, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, i);
  }
  const exp = x.d === '' ? 0 : x.dp - 1;
  const abs = Math.abs(exp);
  return s + e + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' + abs : String(abs));
}

function fmtF(x: Decimal, prec: number): string {
  let s = '';
  if (x.dp > 0) for (let i = 0; i < x.dp; i++) s += digitAt(x, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(x, x.dp + i);
  }
  return s;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt 'e', 'E', 'f', 'g', 'G'; prec -1 means
 * the shortest representation that reads back exactly.
 */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : '';
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(abs);
  } else {
    const exact = exactDecimal(abs);
    if (fmt === 'e' || fmt === 'E') digs = roundDecimal(exact, prec + 1);
    else if (fmt === 'f') digs = roundDecimal(exact, exact.dp + prec);
    else digs = roundDecimal(exact, prec === 0 ? 1 : prec);
  }
  const nd = digs.d.length;
  switch (fmt) {
    case 'e':
    case 'E':
      return sign + fmtE(digs, shortest ? Math.max(nd - 1, 0) : prec, fmt);
    case 'f':
      return sign + fmtF(digs, shortest ? Math.max(nd - digs.dp, 0) : prec);
    case 'g':
    case 'G': {
      let p = shortest ? nd : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (nd === 0 ? false : exp < -4 || exp >= eprec) {
        if (p > nd) p = nd;
        return sign + fmtE(digs, Math.max(p - 1, 0), fmt === 'g' ? 'e' : 'E');
      }
      if (p > digs.dp) p = nd;
      return sign + fmtF(digs, Math.max(p - digs.dp, 0));
    }
  }
}

// ---------------------------------------------------------------- %v printing

/** Go's time.Time.String() for a Date, in UTC: `2006-01-02 15:04:05.999 +0000 UTC`. */
export function goTimeString(d: Date): string {
  if (Number.isNaN(d.getTime())) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = d.toISOString(); // 2006-01-02T15:04:05.000Z
  let frac = iso.slice(20, 23).replace(/0+$/, '');
  frac = frac ? '.' + frac : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

/** Code-point order, which is Go's byte order for UTF-8 strings. */
export function compareGoStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

export function sortedKeys(o: object): string[] {
  return Object.keys(o).sort(compareGoStrings);
}

/** fmt.Sprint of one value with the `%v` verb. */
export function goString(v: unknown): string {
  return formatArg(v, { ...NO_FLAGS }, 'v', 0);
}

/** fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const isString = typeof args[i] === 'string';
    if (i > 0 && !isString && typeof args[i - 1] !== 'string') out += ' ';
    out += goString(args[i]);
  }
  return out;
}

/** fmt.Sprintln: operands joined by spaces, then a newline. */
export function goSprintln(args: readonly unknown[]): string {
  return args.map((a) => goString(a)).join(' ') + '\n';
}

// ---------------------------------------------------------------- printf

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid?: number;
  prec?: number;
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false };

function pad(s: string, f: Flags): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

function badVerb(verb: string, v: unknown): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${goString(v)})`;
}

function fmtInteger(v: number | bigint, f: Flags, verb: string): string {
  const n = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (f.sharp && digits[0] !== '0') prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(f.prec, '0');
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    let w = f.wid;
    if (neg || f.plus || f.space) w--;
    digits = digits.padStart(w - prefix.length, '0');
  }
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  const s = sign + prefix + digits;
  return pad(s, { ...f, zero: false });
}

function fmtFloatVerb(v: number, f: Flags, verb: string): string {
  let s: string;
  const prec = f.prec ?? -1;
  switch (verb) {
    case 'v':
    case 'g':
      s = formatFloat(v, 'g', prec);
      break;
    case 'G':
      s = formatFloat(v, 'G', prec);
      break;
    case 'e':
    case 'E':
      s = formatFloat(v, verb, prec < 0 ? 6 : prec);
      break;
    case 'f':
    case 'F':
      s = formatFloat(v, 'f', prec < 0 ? 6 : prec);
      break;
    default:
      return badVerb(verb, v);
  }
  if (f.plus && s[0] !== '-' && s[0] !== '+') s = '+' + s;
  else if (f.space && s[0] !== '-' && s[0] !== '+') s = ' ' + s;
  if (f.zero && !f.minus && f.wid !== undefined && Number.isFinite(v)) {
    const hasSign = s[0] === '-' || s[0] === '+' || s[0] === ' ';
    const sign = hasSign ? s[0] : '';
    const body = hasSign ? s.slice(1) : s;
    return sign + body.padStart(f.wid - sign.length, '0');
  }
  return pad(s, { ...f, zero: false });
}

function truncRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s;
  return Array.from(s).slice(0, prec).join('');
}

function hexString(s: string, upper: boolean, f: Flags): string {
  const bytes = new TextEncoder().encode(s);
  const parts: string[] = [];
  for (const b of bytes) {
    let h = b.toString(16).padStart(2, '0');
    if (upper) h = h.toUpperCase();
    parts.push((f.sharp ? (upper ? '0X' : '0x') : '') + h);
  }
  return parts.join(f.space ? ' ' : '');
}

function formatArg(v: unknown, f: Flags, verb: string, depth: number): string {
  if (verb === 'T') return pad(goTypeName(v), f);
  if (v === undefined || v === null) {
    if (verb === 'v') return pad('<nil>', f);
    return badVerb(verb, v);
  }
  if (v instanceof Date) {
    // time.Time is a fmt.Stringer: the string verbs see its String().
    if ('vsqxX'.includes(verb)) return formatArg(goTimeString(v), f, verb, depth);
    return badVerb(verb, v);
  }
  switch (typeof v) {
    case 'boolean':
      if (verb === 't' || verb === 'v') return pad(v ? 'true' : 'false', f);
      return badVerb(verb, v);
    case 'bigint':
      return 'vdboOxXcqU'.includes(verb) ? fmtIntegerVerb(v, f, verb) : badVerb(verb, v);
    case 'number':
      if (goKind(v) === 'int') {
        if ('vdboOxXcqU'.includes(verb)) return fmtIntegerVerb(v, f, verb);
        return badVerb(verb, v);
      }
      return fmtFloatVerb(v, f, verb);
    case 'string':
      switch (verb) {
        case 'v':
        case 's':
          return pad(truncRunes(v, f.prec), f);
        case 'q': {
          const s = truncRunes(v, f.prec);
          return pad(f.sharp && canBackquote(s) ? '`' + s + '`' : goQuote(s), f);
        }
        case 'x':
        case 'X':
          return pad(hexString(truncRunes(v, f.prec), verb === 'X', f), f);
        default:
          return badVerb(verb, v);
      }
    case 'function':
      return verb === 'v' ? pad('<func>', f) : badVerb(verb, v);
    case 'object': {
      if (Array.isArray(v)) {
        const inner = v.map((x) => formatArg(x, f, verb, depth + 1)).join(' ');
        return '[' + inner + ']';
      }
      if (isStruct(v)) {
        return '{' + Object.values(v).map((x) => formatArg(x, f, verb, depth + 1)).join(' ') + '}';
      }
      const keys = sortedKeys(v);
      const inner = keys
        .map((k) => formatArg(k, f, verb, depth + 1) + ':' + formatArg((v as Record<string, unknown>)[k], f, verb, depth + 1))
        .join(' ');
      return 'map[' + inner + ']';
    }
    default:
      return badVerb(verb, v);
  }
}

function fmtIntegerVerb(v: number | bigint, f: Flags, verb: string): string {
  const n = typeof v === 'bigint' ? Number(v) : v;
  switch (verb) {
    case 'c':
      return pad(String.fromCodePoint(n), f);
    case 'q':
      return pad(goQuoteRune(n), f);
    case 'U': {
      const s = 'U+' + n.toString(16).toUpperCase().padStart(4, '0');
      return pad(f.sharp ? `${s} '${String.fromCodePoint(n)}'` : s, f);
    }
    default:
      return fmtInteger(v, f, verb);
  }
}

/** fmt.Sprintf for the verbs docker templates use: v s q d b o O x X c U t e E f F g G T %. */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...NO_FLAGS };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    if (format[i] === '*') {
      i++;
      const a = args[argNum++];
      if (typeof a === 'number' && Number.isInteger(a)) {
        f.wid = Math.abs(a);
        if (a < 0) {
          f.minus = true;
          f.zero = false;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.wid = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (typeof a === 'number' && Number.isInteger(a) && a >= 0) f.prec = a;
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argNum++], f, verb, 0);
  }
  if (argNum < args.length) {
    out += '%!(EXTRA ';
    out += args
      .slice(argNum)
      .map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${goString(a)}`))
      .join(', ');
    out += ')';
  }
  return out;
}
