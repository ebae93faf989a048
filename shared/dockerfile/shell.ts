import { InvalidArgumentError } from '../errors.ts';
import { isSpace } from './words.ts';

/**
 * Variable substitution and word splitting with the semantics of BuildKit's shell lexer
 * (frontend/dockerfile/shell/lex.go): what Docker applies to the words of ADD, COPY, ENV,
 * EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR and ARG before it uses them.
 * It is not a shell: no command substitution, no globbing, no arithmetic.
 *
 * Supported: `$A`, `${A}`, `${A:-x}`, `${A-x}`, `${A:+x}`, `${A+x}`, `${A:?msg}`, `${A?msg}`,
 * `${A#pat}`, `${A##pat}`, `${A%pat}`, `${A%%pat}`, `${A/pat/repl}`, `${A//pat/repl}`;
 * single quotes (literal), double quotes (only `$`, `"` and the escape character are
 * special), and the escape character (`\` or the `# escape=` directive's backtick).
 *
 * One deliberate difference: BuildKit's ProcessWords shares one buffer between nested
 * `${A:-...}` words, so `ab${A:-c}d` splits into `cd`; here it gives `abcd`, as a POSIX
 * shell does.
 */

/** Looks a variable up in the build scope (ENV and ARG); `undefined` means unset. */
export type Lookup = (name: string) => string | undefined;

export interface ShellOptions {
  /** The escape character: `\` (default) or the backtick set by `# escape=\``. */
  escapeChar?: string;
  /** Keep quote characters in the output (used to tell quoted heredoc words apart). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of substituting "". */
  skipUnset?: boolean;
  /** Treat quotes as ordinary characters, as Docker does for COPY heredoc bodies. */
  skipQuotes?: boolean;
}

/** Which variables a word used; every list is in order of first use, without repeats. */
export interface References {
  /** Every variable name the word looked up. */
  referenced: string[];
  /** The looked-up names the lookup did not know. */
  unset: string[];
  /**
   * Names substituted without an alternative: a plain `$A`/`${A}`, or `?`, `#`, `%`, `/`
   * forms. Names only used as `${A-x}`, `${A:-x}`, `${A+x}` or `${A:+x}` are not here.
   */
  direct: string[];
}

export interface WordResult extends References {
  value: string;
}

export interface WordsResult extends References {
  words: string[];
}

/** A word could not be expanded: bad `${...}` syntax, an unterminated quote, `${A?}`. */
export class ExpansionError extends InvalidArgumentError {}

/**
 * Expands `word` into one string (BuildKit's ProcessWord): quotes are removed, spaces kept.
 * @throws ExpansionError on a syntax error or a `${A?msg}` whose variable is unset.
 */
export function expandWord(word: string, lookup: Lookup, opts: ShellOptions = {}): WordResult {
  const lx = new Lexer(word, lookup, opts);
  const { result } = lx.run();
  return Object.assign(lx.references(), { value: result });
}

/**
 * Expands `word` and splits it into words on unquoted whitespace (BuildKit's
 * ProcessWords), as EXPOSE does. Whitespace inside quotes, or escaped, stays; whitespace
 * coming from an unquoted variable splits. Empty words are dropped.
 * @throws ExpansionError as expandWord.
 */
export function expandWords(word: string, lookup: Lookup, opts: ShellOptions = {}): WordsResult {
  const lx = new Lexer(word, lookup, opts);
  const { words } = lx.run();
  return Object.assign(lx.references(), { words });
}

/**
 * Lists the variables a word refers to without knowing any value: every variable is
 * treated as unset and left as written, so `${A?}` does not fail.
 * @throws ExpansionError on a syntax error such as `${A` or `${}`.
 */
export function variableReferences(word: string, escapeChar = '\\', opts: { skipQuotes?: boolean } = {}): References {
  const lx = new Lexer(word, () => undefined, { escapeChar, skipUnset: true, skipQuotes: opts.skipQuotes ?? false });
  lx.run();
  return lx.references();
}

const EOF = '';

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** The special parameters of POSIX sh: `$@`, `$*`, `$#`, `$?`, `$-`, `$$`, `$!`, `$0`. */
function isSpecialParam(ch: string): boolean {
  return ch === '@' || ch === '*' || ch === '#' || ch === '?' || ch === '-' || ch === '$' || ch === '!' || ch === '0';
}

/** Accumulates split words; mirrors the word-splitting half of BuildKit's lexer. */
class Words {
  private buf = '';
  private inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.buf.length > 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class Lexer {
  private pos = 0;
  private readonly esc: string;
  private rawEscapes: boolean;
  private readonly referenced = new Set<string>();
  private readonly unsetNames = new Set<string>();
  private readonly direct = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly lookup: Lookup,
    private readonly opts: ShellOptions,
  ) {
    this.esc = opts.escapeChar ?? '\\';
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  run(): { result: string; words: string[] } {
    try {
      return this.processStopOn(EOF, this.rawEscapes);
    } catch (err) {
      if (err instanceof ExpansionError) {
        throw new ExpansionError(`failed to process ${JSON.stringify(this.src)}: ${err.message}`);
      }
      throw err;
    }
  }

  references(): References {
    return { referenced: [...this.referenced], unset: [...this.unsetNames], direct: [...this.direct] };
  }

  private peek(): string {
    if (this.pos >= this.src.length) return EOF;
    const cp = this.src.codePointAt(this.pos)!;
    return cp > 0xffff ? String.fromCodePoint(cp) : this.src[this.pos]!;
  }

  private next(): string {
    const ch = this.peek();
    this.pos += ch.length;
    return ch;
  }

  private processStopOn(stop: string, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();
      const quotes = !this.opts.skipQuotes;
      for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
        if (stop !== EOF && ch === stop) {
          this.next();
          return { result, words: words.finish() };
        }
        if (ch === '$') {
          const tmp = this.processDollar();
          result += tmp;
          words.addString(tmp);
        } else if (ch === '<') {
          const tmp = this.processPossibleHeredoc();
          result += tmp;
          words.addRawString(tmp);
        } else if (quotes && ch === "'") {
          const tmp = this.processSingleQuote();
          result += tmp;
          words.addRawString(tmp);
        } else if (quotes && ch === '"') {
          const tmp = this.processDoubleQuote();
          result += tmp;
          words.addRawString(tmp);
        } else {
          let c = this.next();
          if (c === this.esc) {
            if (this.rawEscapes) {
              words.addRawChar(c);
              result += c;
            }
            // The escape character escapes the next one; at the end of the word it is dropped.
            c = this.next();
            if (c === EOF) break;
            words.addRawChar(c);
          } else {
            words.addChar(c);
          }
          result += c;
        }
      }
      if (stop !== EOF) {
        throw new ExpansionError(`unexpected end of statement while looking for matching ${stop}`);
      }
      return { result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    let result = '';
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // Literal except for $, and the escape character before ", $ or itself.
    let result = '';
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        const ch = this.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.esc) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.esc) ch = this.next();
      }
      result += ch;
    }
  }

  private get(name: string): string | undefined {
    this.referenced.add(name);
    const v = this.lookup(name);
    if (v === undefined) this.unsetNames.add(name);
    return v;
  }

  private processDollar(): string {
    this.next(); // '$'
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      this.direct.add(name);
      const value = this.get(name);
      if (value === undefined) return this.opts.skipUnset ? '$' + name : '';
      return value;
    }
    this.next(); // '{'
    const first = this.peek();
    if (first === EOF) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');

    const name = this.processName();
    let ch = this.next();
    if (ch === EOF) throw new ExpansionError("syntax error: missing '}'");
    let chs = ch;
    let nullIsUnset = false;

    if (ch === '}') {
      this.direct.add(name);
      const value = this.get(name);
      if (value === undefined) return this.opts.skipUnset ? '${' + name + '}' : '';
      return value;
    }
    if (ch === ':' || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      if (ch === ':') {
        nullIsUnset = true;
        ch = this.next();
        chs += ch === EOF ? '\uFFFD' : ch;
      }
      const patternOp = ch === '#' || ch === '%';
      if (nullIsUnset && patternOp) throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
      let word: string;
      try {
        word = this.processStopOn('}', patternOp).result;
      } catch (err) {
        if (this.peek() === EOF) throw new ExpansionError("syntax error: missing '}'");
        throw err;
      }
      if (ch !== '-' && ch !== '+') this.direct.add(name);
      const value = this.get(name);
      const set = value !== undefined;
      if (this.opts.skipUnset && !set) return '${' + name + chs + word + '}';
      const empty = !set || (nullIsUnset && value === '');
      switch (ch) {
        case '-':
          return empty ? word : value!;
        case '+':
          return empty ? '' : word;
        case '?':
          if (!set) throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') {
            throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
          }
          return value!;
        case '%':
        case '#': {
          // # and % remove the shortest match, ## and %% the longest.
          let pattern = word;
          let greedy = false;
          if (pattern.startsWith(ch)) {
            greedy = true;
            pattern = pattern.slice(1);
          }
          return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
        }
        default:
          throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
      }
    }
    if (ch === '/') {
      const replaceAll = this.peek() === '/';
      if (replaceAll) this.next();
      let pattern: string;
      try {
        pattern = this.processStopOn('/', true).result;
      } catch (err) {
        if (this.peek() === EOF) throw new ExpansionError("syntax error: missing '/' in ${}");
        throw err;
      }
      let replacement: string;
      try {
        replacement = this.processStopOn('}', true).result;
      } catch (err) {
        if (this.peek() === EOF) throw new ExpansionError("syntax error: missing '}'");
        throw err;
      }
      this.direct.add(name);
      const value = this.get(name);
      if (this.opts.skipUnset && value === undefined) return '${' + name + '/' + pattern + '/' + replacement + '}';
      const re = patternRegExp(pattern, true, false, replaceAll);
      return (value ?? '').replace(re, () => replacement);
    }
    throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
  }

  /** Reads a name: letters, digits and _; a run of digits; or one special parameter. */
  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name === '' && DIGIT.test(ch)) {
        while (this.peek() !== EOF && DIGIT.test(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && isSpecialParam(ch)) return this.next();
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  /** `<<` and the blanks after it stay together, so `<< EOF` remains one heredoc word. */
  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let result = '<<';
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') result += this.next();
    return result;
  }
}

/**
 * Converts a shell pattern (`*`, `?`, `\` escapes; no bracket expressions) into a regular
 * expression. `.` is written `[^\n]` because Go's `.` matches `\r` and JavaScript's does not.
 */
function patternRegExp(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i]!;
    switch (tok) {
      case '*':
        out += greedy ? '[^\\n]*' : '[^\\n]*?';
        continue;
      case '?':
        out += '[^\\n]';
        continue;
      case '\\': {
        // \} and \/ are part of the ${} syntax; the backslash is not part of the pattern.
        const nx = chars[i + 1];
        if (nx === '}' || nx === '/') continue;
        i++;
        if (nx !== '*' && nx !== '?' && nx !== '\\') {
          throw new ExpansionError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${nx ?? ''}'`);
        }
        out += '\\' + nx;
        continue;
      }
      case '[':
      case ']':
      case '{':
      case '}':
      case '.':
      case '+':
      case '(':
      case ')':
      case '|':
      case '^':
      case '$':
        out += '\\' + tok;
        continue;
      default:
        out += tok === '/' ? '\\/' : tok;
    }
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternRegExp(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

/** Reverses a pattern by code point, keeping each `\x` escape pair in order. */
function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const out: string[] = new Array(runes.length);
  const last = runes.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = runes[i]!;
    const at = last - i;
    if (tok === '\\' && i !== last) {
      out[at - 1] = tok;
      out[at] = runes[i + 1]!;
      i += 2;
    } else {
      out[at] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

/** A regular expression cannot find the shortest rightmost match, so search reversed. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}
