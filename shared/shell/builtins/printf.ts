/**
 * echo and printf as busybox builds them into ash. echo takes -n, -e and -E and does
 * not interpret backslashes by default; printf supports d i o u x X f e E g G c s b
 * with flags, width and precision (and *), reuses the format while arguments remain,
 * and reports bad numbers as "invalid number 'x'" (status 1, value 0).
 */
import type { Shell } from '../interp.ts';
import { formatFloat, formatInt, type Spec } from './format.ts';
import type { Builtin } from './types.ts';

/** Thrown by \c: stop all output. */
class StopOutput {}

/**
 * Backslash escapes. `octalZero`: echo/%b style, where \0 may be followed by up to
 * three more octal digits; otherwise (printf formats) \NNN takes at most three in all.
 */
function unescape(s: string, octalZero: boolean, out: string[]): boolean {
  let r = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      r += c;
      continue;
    }
    const e = s[++i]!;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (simple[e] !== undefined) {
      r += simple[e];
    } else if (e === 'c') {
      out.push(r);
      return false;
    } else if (e >= '0' && e <= '7') {
      let j = i;
      if (octalZero && e === '0') j++;
      let k = j;
      while (k < s.length && k < j + 3 && s[k]! >= '0' && s[k]! <= '7') k++;
      r += String.fromCharCode(k > j ? parseInt(s.slice(j, k), 8) & 0xff : 0);
      i = k - 1;
    } else if (e === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      let k = i + 1;
      while (k < s.length && k < i + 3 && /[0-9a-fA-F]/.test(s[k]!)) k++;
      r += String.fromCharCode(parseInt(s.slice(i + 1, k), 16));
      i = k - 1;
    } else {
      r += '\\' + e;
    }
  }
  out.push(r);
  return true;
}

export const echo: Builtin = {
  special: false,
  async run(sh: Shell, argv: string[]) {
    let i = 1;
    let newline = true;
    let escapes = false;
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (!/^-[neE]+$/.test(a)) break;
      for (const c of a.slice(1)) {
        if (c === 'n') newline = false;
        else if (c === 'e') escapes = true;
        else escapes = false;
      }
    }
    let text = argv.slice(i).join(' ');
    if (escapes) {
      const out: string[] = [];
      if (!unescape(text, true, out)) return sh.out(out.join(''));
      text = out.join('');
    }
    return sh.out(newline ? text + '\n' : text);
  },
};

/** strtoll/strtod-style argument conversion; sets `bad` instead of throwing. */
class Args {
  i = 0;
  bad = false;
  constructor(
    private readonly sh: Shell,
    private readonly list: string[],
  ) {}
  get remaining(): boolean {
    return this.i < this.list.length;
  }
  next(): string {
    return this.list[this.i++] ?? '';
  }
  private invalid(a: string): void {
    this.sh.writeErr(`${this.sh.appletName}: invalid number '${a}'\n`);
    this.bad = true;
  }
  int(unsigned: boolean): bigint {
    const a = this.next();
    if (a[0] === "'" || a[0] === '"') return a.length > 1 ? BigInt(a.charCodeAt(1)) : 0n;
    const m = /^[ \t\n]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(a);
    if (!m) {
      this.invalid(a);
      return 0n;
    }
    const body = m[2]!;
    let v = body.startsWith('0x') || body.startsWith('0X') ? BigInt(body) : body.length > 1 && body[0] === '0' ? BigInt('0o' + body.slice(1)) : BigInt(body);
    if (m[1] === '-') v = -v;
    const bits = unsigned ? 64n : 63n;
    if (v >= 1n << bits || v < -(1n << bits)) {
      this.invalid(a);
      return 0n;
    }
    return v;
  }
  float(): number {
    const a = this.next();
    if (a[0] === "'" || a[0] === '"') return a.length > 1 ? a.charCodeAt(1) : 0;
    const t = a.trimStart();
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t[0] === '-' ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(t)) return NaN;
    if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number(BigInt(t.replace(/^[+-]/, ''))) * (t[0] === '-' ? -1 : 1);
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(t)) {
      this.invalid(a);
      return 0;
    }
    return Number(t);
  }
}

export const printf: Builtin = {
  special: false,
  async run(sh: Shell, argv: string[]) {
    let fmtIndex = 1;
    if (argv[1] === '--') fmtIndex = 2;
    const fmt = argv[fmtIndex];
    if (fmt === undefined) {
      sh.writeErr(`${sh.appletName}: usage: printf FORMAT [ARGUMENT...]\n`);
      return 2;
    }
    const args = new Args(sh, argv.slice(fmtIndex + 1));
    let out = '';
    let status = 0;
    try {
      for (;;) {
        const before = args.i;
        const r = formatOnce(sh, fmt, args);
        out += r.text;
        if (r.invalid) {
          status = 1;
          break;
        }
        if (!args.remaining || args.i === before) break;
      }
    } catch (e) {
      if (!(e instanceof StopOutput)) throw e;
      out += (e as StopOutput & { text?: string }).text ?? '';
    }
    if (args.bad) status = 1;
    const w = await sh.out(out);
    return w || status;
  },
};

function formatOnce(sh: Shell, fmt: string, args: Args): { text: string; invalid: boolean } {
  let text = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === '\\') {
      let j = i + 1;
      // one escape: \c, \NNN, \xHH or a single character
      if (fmt[j] === 'x') {
        j++;
        while (j < fmt.length && j < i + 4 && /[0-9a-fA-F]/.test(fmt[j]!)) j++;
      } else if (fmt[j] !== undefined && fmt[j]! >= '0' && fmt[j]! <= '7') {
        while (j < fmt.length && j < i + 4 && fmt[j]! >= '0' && fmt[j]! <= '7') j++;
      } else if (j < fmt.length) j++;
      const parts: string[] = [];
      const more = unescape(fmt.slice(i, j), false, parts);
      text += parts.join('');
      if (!more) throw Object.assign(new StopOutput(), { text });
      i = j;
      continue;
    }
    if (c !== '%') {
      text += c;
      i++;
      continue;
    }
    if (fmt[i + 1] === '%') {
      text += '%';
      i += 2;
      continue;
    }
    const m = /^%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?(hh|h|ll|l|L|q|j|z|t)?([a-zA-Z%]?)/.exec(fmt.slice(i))!;
    const conv = m[5]!;
    if (!'diouxXfeEgGcsb'.includes(conv) || conv === '') {
      // busybox quotes the format from the %, less any length modifier.
      const head = m[0].slice(0, m[0].length - (m[4]?.length ?? 0) - conv.length);
      sh.writeErr(`${sh.appletName}: ${head}${fmt.slice(i + m[0].length - conv.length)}: invalid format\n`);
      return { text, invalid: true };
    }
    const spec: Spec = { flags: m[1]!, width: null, precision: null, conv };
    if (m[2] === '*') spec.width = Number(args.int(false));
    else if (m[2] !== undefined) spec.width = Number(m[2]);
    if (spec.width !== null && spec.width < 0) {
      spec.flags += '-';
      spec.width = -spec.width;
    }
    if (m[3] === '*') {
      const p = Number(args.int(false));
      spec.precision = p < 0 ? null : p;
    } else if (m[3] !== undefined) spec.precision = Number(m[3] || '0');
    i += m[0].length;
    switch (conv) {
      case 'd':
      case 'i':
        text += formatInt(args.int(false), spec);
        break;
      case 'o':
      case 'u':
      case 'x':
      case 'X':
        text += formatInt(args.int(true), spec);
        break;
      case 'f':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        text += formatFloat(args.float(), spec);
        break;
      case 'c': {
        const a = args.next();
        text += padStr(a === '' ? '\0' : a[0]!, spec);
        break;
      }
      case 's': {
        let a = args.next();
        if (spec.precision !== null) a = a.slice(0, spec.precision);
        text += padStr(a, spec);
        break;
      }
      case 'b': {
        const parts: string[] = [];
        const more = unescape(args.next(), true, parts);
        let a = parts.join('');
        if (spec.precision !== null) a = a.slice(0, spec.precision);
        text += padStr(a, spec);
        if (!more) throw Object.assign(new StopOutput(), { text });
        break;
      }
    }
  }
  return { text, invalid: false };
}

function padStr(s: string, spec: Spec): string {
  const w = spec.width ?? 0;
  if (s.length >= w) return s;
  return spec.flags.includes('-') ? s + ' '.repeat(w - s.length) : ' '.repeat(w - s.length) + s;
}
