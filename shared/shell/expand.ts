/**
 * Word expansion, in POSIX order: tilde, parameter, command substitution and
 * arithmetic expansion, then field splitting on IFS, pathname expansion and quote
 * removal. Expansions produce chunks that remember whether they were quoted (no
 * splitting, no globbing) and whether they came from an expansion (split on IFS).
 */
import { Arith, ArithError } from './arith.ts';
import type { Word, WordPart } from './ast.ts';
import { glob } from './glob.ts';
import type { Shell } from './interp.ts';
import { isName } from './lexer.ts';
import { compilePattern, escapePattern, hasGlob, removePrefix, removeSuffix } from './pattern.ts';
import { ReadonlyError } from './vars.ts';

/** ${x/pat/rep}: the leftmost longest match replaced (every match with `all`). */
function replaceMatches(s: string, pat: string, rep: string, all: boolean): string {
  if (pat === '') return s;
  const re = compilePattern(pat);
  let out = '';
  let i = 0;
  while (i <= s.length) {
    let j = -1;
    for (let k = s.length; k >= i; k--) {
      if (re.test(s.slice(i, k))) {
        j = k;
        break;
      }
    }
    if (j < 0) {
      if (i < s.length) out += s[i];
      i++;
      continue;
    }
    out += rep;
    if (j === i) {
      if (i < s.length) out += s[i];
      i++;
    } else i = j;
    if (!all) return out + s.slice(i);
  }
  return out;
}

/** Text of an expansion step. `q`: quoted; `s`: subject to field splitting. */
interface Text {
  t: string;
  q: boolean;
  s: boolean;
}
const quotedValue = (v: string): Chunk[] => [{ t: v, q: true, s: false }];
const unquotedValue = (v: string): Chunk[] => [{ t: v, q: false, s: true }];

/** A field boundary produced by $@ (and unquoted $*). */
const BREAK = null;
type Chunk = Text | typeof BREAK;

interface Options {
  /** Tilde expansion: at the start of the word, or also after each ':' (assignments). */
  tilde: false | 'start' | 'assign';
  /** Unquoted literal text inside ${x-word} is split like an expansion result. */
  paramArg?: boolean;
}

const TILDE_START: Options = { tilde: 'start' };

interface Field {
  value: string;
  pattern: string;
  glob: boolean;
}

export class Expander {
  constructor(private readonly sh: Shell) {}

  /** Full expansion of command arguments: every word may become zero or more fields. */
  async fields(words: Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) {
      // Most words are plain text: nothing to expand, split or match.
      const only = w.parts.length === 1 ? w.parts[0]! : null;
      if (only && only.kind === 'lit' && !only.text.startsWith('~') && !hasGlob(only.text)) {
        out.push(only.text);
        continue;
      }
      const chunks = await this.chunks(w.parts, false, TILDE_START);
      for (const f of this.split(chunks)) {
        if (f.glob && !this.sh.options.noglob) {
          const matches = await glob(this.sh, f.pattern);
          if (matches.length) {
            out.push(...matches);
            continue;
          }
        }
        out.push(f.value);
      }
    }
    return out;
  }

  /** Expansion to one string, without splitting or globbing (assignments, redirections, case words). */
  async string(word: Word, tilde: Options['tilde'] = 'start'): Promise<string> {
    const chunks = await this.chunks(word.parts, false, { tilde });
    let s = '';
    for (const c of chunks) if (c) s += c.t;
    return s;
  }

  /** Expansion to a pattern: quoted characters are escaped so they match literally. */
  async pattern(word: Word): Promise<string> {
    const chunks = await this.chunks(word.parts, false, { tilde: 'start' });
    let s = '';
    for (const c of chunks) if (c) s += c.q ? escapePattern(c.t) : c.t;
    return s;
  }

  /** An unquoted here-document body. */
  async heredoc(word: Word): Promise<string> {
    const chunks = await this.chunks(word.parts, true, { tilde: false });
    let s = '';
    for (const c of chunks) if (c) s += c.t;
    return s;
  }

  private async chunks(parts: WordPart[], quoted: boolean, opts: Options): Promise<Chunk[]> {
    const out: Chunk[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      switch (p.kind) {
        case 'lit': {
          const split = !quoted && !!opts.paramArg;
          if (!quoted && opts.tilde) {
            out.push(...(await this.tildes(p.text, i === 0, i === parts.length - 1, opts.tilde, split)));
          } else {
            out.push({ t: p.text, q: quoted, s: split });
          }
          break;
        }
        case 'sq':
        case 'esc':
          out.push({ t: p.text, q: true, s: false });
          break;
        case 'dq': {
          const inner = await this.chunks(p.parts, true, { tilde: false });
          if (inner.length) out.push(...inner);
          else if (!p.parts.some((x) => x.kind === 'param' && x.name === '@' && x.op === null)) out.push({ t: '', q: true, s: false });
          break;
        }
        case 'param':
          out.push(...(await this.param(p, quoted)));
          break;
        case 'cmd': {
          const text = (await this.sh.commandSubstitution(p.body)).replace(/\n+$/, '');
          out.push({ t: text, q: quoted, s: !quoted });
          break;
        }
        case 'arith': {
          const v = await this.arith(p.expr);
          out.push({ t: v, q: quoted, s: !quoted });
          break;
        }
      }
    }
    return out;
  }

  /** Tilde expansion in an unquoted literal. */
  private async tildes(text: string, first: boolean, last: boolean, mode: 'start' | 'assign', split: boolean): Promise<Chunk[]> {
    const out: Chunk[] = [];
    const segs = mode === 'assign' ? text.split(':') : [text];
    for (let k = 0; k < segs.length; k++) {
      let seg = segs[k]!;
      if (k > 0) out.push({ t: ':', q: false, s: split });
      if ((k > 0 || first) && seg.startsWith('~')) {
        const slash = seg.indexOf('/');
        // The prefix must be wholly in this unquoted literal.
        if (slash >= 0 || last || k < segs.length - 1) {
          const user = slash >= 0 ? seg.slice(1, slash) : seg.slice(1);
          const home = await this.sh.homeDir(user);
          if (home !== undefined) {
            out.push({ t: home, q: true, s: false });
            seg = slash >= 0 ? seg.slice(slash) : '';
          }
        }
      }
      if (seg) out.push({ t: seg, q: false, s: split });
    }
    return out;
  }

  private async param(p: WordPart & { kind: 'param' }, quoted: boolean): Promise<Chunk[]> {
    const sh: Shell = this.sh;
    const name = p.name;
    const value = quoted ? quotedValue : unquotedValue;
    if (p.length) {
      const v = this.get(name);
      if (v === undefined && sh.options.nounset && name !== '@' && name !== '*') sh.fatal(`${name}: parameter not set`);
      return value(String(name === '@' || name === '*' ? sh.params.length : (v ?? '').length));
    }
    if ((name === '@' || name === '*') && p.op === null) {
      const ps = sh.params;
      const out: Chunk[] = [];
      if (quoted && name === '*') return [{ t: ps.join(this.ifsFirst()), q: true, s: false }];
      ps.forEach((v, i) => {
        if (i > 0) out.push(BREAK);
        out.push({ t: v, q: quoted, s: !quoted });
      });
      return out;
    }
    if (p.op === 'bad') sh.badSubstitution();
    if (p.op === ':') return this.substring(p, quoted);
    const v = this.get(name);
    const isSet = v !== undefined;
    const missing = p.colon ? !isSet || v === '' : !isSet;
    switch (p.op) {
      case '/':
      case '//': {
        if (!isSet && sh.options.nounset) sh.fatal(`${name}: parameter not set`);
        const pat = await this.pattern(p.arg!);
        const rep = p.repl ? await this.string(p.repl) : '';
        return value(replaceMatches(v ?? '', pat, rep, p.op === '//'));
      }
      case null:
        if (!isSet && sh.options.nounset) sh.fatal(`${name}: parameter not set`);
        return value(v ?? '');
      case '-':
        return missing ? this.chunks(p.arg!.parts, quoted, { tilde: 'start', paramArg: true }) : value(v!);
      case '+':
        return missing ? [] : this.chunks(p.arg!.parts, quoted, { tilde: 'start', paramArg: true });
      case '=': {
        if (!missing) return value(v!);
        const nv = await this.string(p.arg!);
        if (!isName(name)) sh.fatal(`${name}: bad variable name`);
        sh.assign(name, nv);
        return value(nv);
      }
      case '?': {
        if (!missing) return value(v!);
        const msg = await this.string(p.arg!);
        sh.fatal(`${name}: ${msg || (p.colon ? 'parameter not set or null' : 'parameter not set')}`);
      }
      default: {
        if (!isSet && sh.options.nounset) sh.fatal(`${name}: parameter not set`);
        const pat = await this.pattern(p.arg!);
        const s = v ?? '';
        const r = p.op === '#' || p.op === '##' ? removePrefix(s, pat, p.op === '##') : removeSuffix(s, pat, p.op === '%%');
        return value(r);
      }
    }
  }

  /** ${x:offset:length} (and ${@:offset:length} over the positional parameters). */
  private async substring(p: WordPart & { kind: 'param' }, quoted: boolean): Promise<Chunk[]> {
    const spec = await this.string(p.arg!, false);
    let depth = 0;
    let cut = -1;
    for (let i = 0; i < spec.length; i++) {
      const c = spec[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ':' && depth === 0) {
        cut = i;
        break;
      }
    }
    const off = Number(this.arithText(cut < 0 ? spec : spec.slice(0, cut)));
    const len = cut < 0 ? null : Number(this.arithText(spec.slice(cut + 1)));
    const slice = <T>(list: T[] | string, base: number): T[] | string => {
      const n = list.length;
      let start = off < 0 ? Math.max(0, n + off) : off - base;
      if (start < 0) start = 0;
      if (start > n) return list.slice(n);
      const end = len === null ? n : len < 0 ? n + len : start + len;
      return end <= start ? list.slice(0, 0) : list.slice(start, end);
    };
    if (p.name === '@' || p.name === '*') {
      const list = slice([this.sh.arg0, ...this.sh.params], 0) as string[];
      if (quoted && p.name === '*') return [{ t: list.join(this.ifsFirst()), q: true, s: false }];
      const out: Chunk[] = [];
      list.forEach((v, i) => {
        if (i > 0) out.push(BREAK);
        out.push({ t: v, q: quoted, s: !quoted });
      });
      return out;
    }
    const v = this.get(p.name);
    if (v === undefined && this.sh.options.nounset) this.sh.fatal(`${p.name}: parameter not set`);
    return [{ t: slice(v ?? '', 0) as string, q: quoted, s: !quoted }];
  }

  /** The value of a parameter, or undefined when unset. */
  get(name: string): string | undefined {
    const sh = this.sh;
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      return n === 0 ? sh.arg0 : sh.params[n - 1];
    }
    switch (name) {
      case '#':
        return String(sh.params.length);
      case '?':
        return String(sh.status);
      case '-':
        return sh.optionFlags();
      case '$':
        return String(sh.pid);
      case '!':
        return sh.lastBackgroundPid === null ? undefined : String(sh.lastBackgroundPid);
      case 'LINENO': {
        // The current line, until the script assigns or unsets LINENO.
        const v = sh.vars.lookup('LINENO');
        return v ? v.value : sh.linenoUnset ? undefined : String(sh.lineno);
      }
      case '@':
      case '*':
        return sh.params.length ? sh.params.join(name === '*' ? this.ifsFirst() : ' ') : undefined;
    }
    return sh.vars.get(name);
  }

  private ifsFirst(): string {
    const ifs = this.sh.vars.get('IFS');
    return ifs === undefined ? ' ' : ifs.slice(0, 1);
  }

  private async arith(expr: Word): Promise<string> {
    return this.arithText(await this.heredoc(expr));
  }

  private arithText(text: string): string {
    const sh: Shell = this.sh;
    try {
      const ar = new Arith({
        get: (n) => {
          const v = sh.vars.get(n);
          if (v === undefined && sh.options.nounset) sh.fatal(`${n}: parameter not set`);
          return v;
        },
        set: (n, v) => sh.assign(n, v),
      });
      return ar.eval(text).toString();
    } catch (e) {
      if (e instanceof ArithError) sh.fatal(e.message);
      if (e instanceof ReadonlyError) sh.fatal(e.message);
      throw e;
    }
  }

  /** Field splitting on IFS and assembly of each field's value and glob pattern. */
  private split(chunks: Chunk[]): Field[] {
    const ifs = this.sh.vars.get('IFS') ?? ' \t\n';
    const f = new FieldBuilder();
    for (const c of chunks) {
      if (c === BREAK) {
        if (f.started) f.finish();
        f.lastDelim = 'none';
        continue;
      }
      if (c.q) {
        f.addQuoted(c.t);
        continue;
      }
      if (!c.s || ifs === '') {
        if (c.t) f.addUnquoted(c.t);
        continue;
      }
      let run = '';
      for (const ch of c.t) {
        if (!ifs.includes(ch)) {
          run += ch;
          continue;
        }
        if (run) {
          f.addUnquoted(run);
          run = '';
        }
        f.delimiter(ch === ' ' || ch === '\t' || ch === '\n');
      }
      if (run) f.addUnquoted(run);
    }
    if (f.started) f.finish();
    return f.fields;
  }
}

/** Builds fields from expanded text and IFS delimiters (POSIX field splitting). */
class FieldBuilder {
  fields: Field[] = [];
  private value = '';
  private pattern = '';
  /** Unquoted text was added: the field may glob (decided on the whole pattern). */
  private unquoted = false;
  started = false;
  /** How the last field ended: by IFS white space, other IFS characters, or not at all. */
  lastDelim: 'none' | 'white' | 'other' = 'none';

  finish(): void {
    this.fields.push({ value: this.value, pattern: this.pattern, glob: this.unquoted && hasGlob(this.pattern) });
    this.value = this.pattern = '';
    this.unquoted = false;
    this.started = false;
  }

  addQuoted(t: string): void {
    this.value += t;
    this.pattern += escapePattern(t);
    this.started = true;
    this.lastDelim = 'none';
  }

  addUnquoted(t: string): void {
    this.value += t;
    this.pattern += t;
    this.unquoted = true;
    this.started = true;
    this.lastDelim = 'none';
  }

  /** An IFS character: white space collapses; another IFS character always delimits. */
  delimiter(white: boolean): void {
    if (white) {
      if (this.started) {
        this.finish();
        this.lastDelim = 'white';
      }
    } else if (this.started) {
      this.finish();
      this.lastDelim = 'other';
    } else if (this.lastDelim === 'white') {
      this.lastDelim = 'other';
    } else {
      this.finish();
      this.lastDelim = 'other';
    }
  }
}
