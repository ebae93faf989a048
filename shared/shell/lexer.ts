/**
 * Tokens and words of the POSIX shell language. Tokenizing is context dependent:
 * keywords are recognized by the parser, here-document bodies are read after the
 * newline that follows their operator, and $(...) recurses into the parser.
 */
import { InvalidArgumentError } from '../errors.ts';
import type { HereDoc, List, ParamOp, RedirOp, Word, WordPart } from './ast.ts';

/** A syntax error, with sh's wording ("unexpected \"fi\"") and the line it was found on. */
export class ShellSyntaxError extends InvalidArgumentError {
  constructor(
    readonly detail: string,
    readonly line: number,
    /** True when more input could complete the program (for line-at-a-time use). */
    readonly incomplete: boolean,
  ) {
    super(`line ${line}: syntax error: ${detail}`);
  }
}

export const KEYWORDS = ['!', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while', '{', '}'] as const;
export type Keyword = (typeof KEYWORDS)[number];
export type Operator = ';' | '&' | '&&' | '||' | '|' | '(' | ')' | ';;';
export type TokenType = 'EOF' | 'NL' | 'WORD' | 'REDIR' | Operator | Keyword;

export interface Token {
  type: TokenType;
  /** For WORD (and a keyword recognized from a word). */
  word: Word | null;
  /** The word had quoting, so it is never a keyword or a name. */
  quoted: boolean;
  redir: { fd: number | null; op: RedirOp } | null;
}

/** How sh names a token in "unexpected ..." and "(expecting ...)". */
export function tokenName(t: TokenType): string {
  switch (t) {
    case 'EOF':
      return 'end of file';
    case 'NL':
      return 'newline';
    case 'WORD':
      return 'word';
    case 'REDIR':
      return 'redirection';
    default:
      return `"${t}"`;
  }
}

const META = ' \t\n;&|()<>';
const SPECIAL_PARAMS = '@*#?-$!0123456789';

export function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}
export function isNameChar(c: string | undefined): boolean {
  return isNameStart(c) || (c !== undefined && c >= '0' && c <= '9');
}
export function isName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

interface PendingHeredoc {
  doc: HereDoc;
  strip: boolean;
}

type DollarContext = 'base' | 'dq' | 'heredoc';

export abstract class Lexer {
  protected pos = 0;
  private newlines: number[] | null = null;
  protected pendingHeredocs: PendingHeredoc[] = [];
  /**
   * The input may continue (commands typed or piped in line by line): a here-document
   * cut off by the end of the text is incomplete rather than ended.
   */
  streaming = false;

  constructor(
    protected readonly src: string,
    /** Line number of the first line (1 for files, 0 for -c strings, as sh counts). */
    protected readonly lineBase: number,
  ) {}

  /** Parses `list )` after "$(" and consumes the ")". */
  protected abstract parseCommandSubstitution(): List;
  /** A parser over other text (backquotes, here-document bodies). */
  protected abstract subParser(text: string, lineBase: number): Lexer;
  /** Parses a whole program (for backquoted text). */
  protected abstract parseAll(): List;

  /** Line number at a source offset: the base plus the newlines before it. */
  lineAt(pos: number = this.pos): number {
    if (!this.newlines) {
      this.newlines = [];
      for (let i = this.src.indexOf('\n'); i >= 0; i = this.src.indexOf('\n', i + 1)) this.newlines.push(i);
    }
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return this.lineBase + lo;
  }

  protected syntaxError(detail: string, incomplete = false): never {
    throw new ShellSyntaxError(detail, this.lineAt(), incomplete);
  }

  /** Skips backslash-newline pairs (line continuations) and returns the next character. */
  protected peekc(): string | undefined {
    while (this.src[this.pos] === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
    return this.src[this.pos];
  }

  /** Reads the next token. Keywords are left to the parser. */
  protected lexToken(): Token {
    for (;;) {
      const c = this.peekc();
      if (c === ' ' || c === '\t') {
        this.pos++;
        continue;
      }
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      break;
    }
    const c = this.peekc();
    const tok = (type: TokenType): Token => ({ type, word: null, quoted: false, redir: null });
    if (c === undefined) {
      // A here-document started on the last line with no newline after it is empty.
      this.readHeredocBodies();
      return tok('EOF');
    }
    if (c === '\n') {
      this.pos++;
      this.readHeredocBodies();
      return tok('NL');
    }
    const two = (second: string, both: TokenType, one: TokenType): Token => {
      this.pos++;
      if (this.peekc() === second) {
        this.pos++;
        return tok(both);
      }
      return tok(one);
    };
    switch (c) {
      case '&':
        if (this.src[this.pos + 1] === '>') {
          this.pos += 2;
          return { ...tok('REDIR'), redir: { fd: null, op: '&>' } };
        }
        return two('&', '&&', '&');
      case '|':
        return two('|', '||', '|');
      case ';':
        return two(';', ';;', ';');
      case '(':
        this.pos++;
        return tok('(');
      case ')':
        this.pos++;
        return tok(')');
      case '<':
      case '>':
        return { ...tok('REDIR'), redir: { fd: null, op: this.lexRedirOp() } };
    }
    const start = this.pos;
    const { parts, quoted } = this.scanWord(false);
    const c2 = this.peekc();
    const both = c2 === '&' && this.src[this.pos + 1] === '>';
    if ((c2 === '<' || c2 === '>' || both) && !quoted) {
      const text = this.src.slice(start, this.pos).replace(/\\\n/g, '');
      if (/^[0-9]{1,9}$/.test(text)) {
        if (both) {
          this.pos += 2;
          return { ...tok('REDIR'), redir: { fd: Number(text), op: '&>' } };
        }
        return { ...tok('REDIR'), redir: { fd: Number(text), op: this.lexRedirOp() } };
      }
    }
    return { type: 'WORD', word: { parts, text: this.src.slice(start, this.pos) }, quoted, redir: null };
  }

  private lexRedirOp(): RedirOp {
    const c = this.src[this.pos++];
    const n = this.peekc();
    if (c === '>') {
      if (n === '>' || n === '|' || n === '&') {
        this.pos++;
        return ('>' + n) as RedirOp;
      }
      return '>';
    }
    if (n === '<') {
      this.pos++;
      if (this.peekc() === '-') {
        this.pos++;
        return '<<-';
      }
      return '<<';
    }
    if (n === '&' || n === '>') {
      this.pos++;
      return ('<' + n) as RedirOp;
    }
    return '<';
  }

  /**
   * Scans a word up to an unquoted metacharacter. With `eofmark` (a here-document
   * delimiter) $ and ` are ordinary characters.
   */
  protected scanWord(eofmark: boolean): { parts: WordPart[]; quoted: boolean } {
    const parts: WordPart[] = [];
    let quoted = false;
    for (;;) {
      const c = this.peekc();
      if (c === undefined || META.includes(c)) break;
      if (c === "'") {
        parts.push({ kind: 'sq', text: this.scanSingleQuoted() });
        quoted = true;
      } else if (c === '"') {
        this.pos++;
        parts.push({ kind: 'dq', parts: this.scanDoubleQuoted(eofmark) });
        quoted = true;
      } else if (c === '\\') {
        this.pos++;
        const e = this.src[this.pos];
        if (e === undefined) {
          pushLit(parts, '\\');
        } else {
          this.pos++;
          parts.push({ kind: 'esc', text: e });
        }
        quoted = true;
      } else if (c === '$' && !eofmark) {
        parts.push(this.scanDollar('base'));
      } else if (c === '`' && !eofmark) {
        parts.push(this.scanBackquote(false));
      } else {
        this.pos++;
        pushLit(parts, c);
      }
    }
    return { parts, quoted };
  }

  private scanSingleQuoted(): string {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end < 0) {
      this.pos = this.src.length;
      this.syntaxError('unterminated quoted string', true);
    }
    const text = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return text;
  }

  /** After the opening quote; consumes the closing one. */
  private scanDoubleQuoted(eofmark: boolean): WordPart[] {
    const parts: WordPart[] = [];
    for (;;) {
      const c = this.peekc();
      if (c === undefined) this.syntaxError('unterminated quoted string', true);
      this.pos++;
      if (c === '"') return parts;
      if (c === '\\') {
        const e = this.src[this.pos];
        if (e !== undefined && '$`"\\'.includes(e)) {
          this.pos++;
          parts.push({ kind: 'esc', text: e });
        } else {
          pushLit(parts, '\\');
        }
      } else if (c === '$' && !eofmark) {
        this.pos--;
        parts.push(this.scanDollar('dq'));
      } else if (c === '`' && !eofmark) {
        this.pos--;
        parts.push(this.scanBackquote(true));
      } else {
        pushLit(parts, c);
      }
    }
  }

  /** At a '$'. Returns a literal '$' when no expansion follows. */
  protected scanDollar(ctx: DollarContext): WordPart {
    this.pos++;
    const c = this.peekc();
    if (c === '{') {
      this.pos++;
      return this.scanBraced(ctx);
    }
    if (c === '(') {
      this.pos++;
      if (this.peekc() === '(') {
        this.pos++;
        return this.scanArith();
      }
      const saved = this.pendingHeredocs;
      this.pendingHeredocs = [];
      const body = this.parseCommandSubstitution();
      this.pendingHeredocs = saved;
      return { kind: 'cmd', body };
    }
    if (isNameStart(c)) {
      const start = this.pos;
      while (isNameChar(this.peekc())) this.pos++;
      return param(this.src.slice(start, this.pos).replace(/\\\n/g, ''));
    }
    if (c !== undefined && SPECIAL_PARAMS.includes(c)) {
      this.pos++;
      return param(c);
    }
    return { kind: 'lit', text: '$' };
  }

  /** After "${". */
  private scanBraced(ctx: DollarContext): WordPart {
    const open = this.pos - 2;
    let length = false;
    if (this.peekc() === '#') {
      this.pos++;
      const c = this.peekc();
      if (c === '}') {
        this.pos++;
        return param('#');
      }
      if (c === undefined || (!isNameChar(c) && !SPECIAL_PARAMS.includes(c))) return { ...param('#'), op: this.badRest(open) };
      length = true;
    }
    const name = this.scanParamName();
    if (name === null) return { ...param(''), op: this.badRest(open) };
    let c = this.peekc();
    if (c === '}') {
      this.pos++;
      return { ...param(name), length };
    }
    if (length) return { ...param(name), op: this.badRest(open) };
    let colon = false;
    let op: ParamOp;
    if (c === ':') {
      this.pos++;
      c = this.peekc();
      if (c === undefined || !'-=?+'.includes(c)) {
        // ${x:offset[:length]}
        const start = this.pos;
        const parts = this.scanBracedArgBase(open);
        return { kind: 'param', name, op: ':', colon: false, arg: { parts, text: this.src.slice(start, this.pos - 1) }, length: false };
      }
      colon = true;
    }
    if (c === '-' || c === '=' || c === '?' || c === '+') {
      this.pos++;
      op = c;
    } else if (c === '%' || c === '#') {
      this.pos++;
      if (this.peekc() === c) {
        this.pos++;
        op = c === '%' ? '%%' : '##';
      } else {
        op = c;
      }
    } else if (c === '/') {
      this.pos++;
      op = '/';
      if (this.peekc() === '/') {
        this.pos++;
        op = '//';
      }
      const start = this.pos;
      const parts = this.scanBracedArgBase(open);
      const [pat, rep] = splitAtSlash(parts);
      return { kind: 'param', name, op, colon: false, arg: { parts: pat, text: this.src.slice(start, this.pos - 1) }, length: false, repl: rep ? { parts: rep, text: '' } : null };
    } else {
      return { ...param(name), op: this.badRest(open) };
    }
    const start = this.pos;
    // Inside double quotes the word of -, =, ? and + is itself double-quoted; the
    // pattern of %, # is not (its quotes quote pattern characters).
    const argParts = ctx !== 'base' && '-=?+'.includes(op) ? [{ kind: 'dq' as const, parts: this.scanBracedArgDq(open) }] : this.scanBracedArgBase(open);
    const arg: Word = { parts: argParts, text: this.src.slice(start, this.pos - 1) };
    return { kind: 'param', name, op, colon, arg, length: false };
  }

  /** A malformed ${...}: skip to its closing brace; expanding it is the error. */
  private badRest(open: number): 'bad' {
    this.scanBracedArgBase(open);
    return 'bad';
  }

  /** "missing '}'" at the end of input, on the line ash reports. */
  private missingBrace(open: number): never {
    const line = this.lineAt(this.src.length) - (this.src.slice(open, this.src.length).includes('\n') ? 1 : 0);
    throw new ShellSyntaxError("missing '}'", line, true);
  }

  private scanParamName(): string | null {
    const c = this.peekc();
    if (isNameStart(c)) {
      const start = this.pos;
      while (isNameChar(this.peekc())) this.pos++;
      return this.src.slice(start, this.pos).replace(/\\\n/g, '');
    }
    if (c !== undefined && c >= '0' && c <= '9') {
      const start = this.pos;
      while (/[0-9]/.test(this.peekc() ?? '')) this.pos++;
      return this.src.slice(start, this.pos).replace(/\\\n/g, '');
    }
    if (c !== undefined && SPECIAL_PARAMS.includes(c)) {
      this.pos++;
      return c;
    }
    return null;
  }

  /** The word of ${name op word} outside double quotes; consumes the closing brace. */
  private scanBracedArgBase(open: number): WordPart[] {
    const parts: WordPart[] = [];
    for (;;) {
      const c = this.peekc();
      if (c === undefined) this.missingBrace(open);
      if (c === '}') {
        this.pos++;
        return parts;
      }
      if (c === "'") {
        parts.push({ kind: 'sq', text: this.scanSingleQuoted() });
      } else if (c === '"') {
        this.pos++;
        parts.push({ kind: 'dq', parts: this.scanDoubleQuoted(false) });
      } else if (c === '\\') {
        this.pos++;
        const e = this.src[this.pos];
        if (e === undefined) pushLit(parts, '\\');
        else {
          this.pos++;
          parts.push({ kind: 'esc', text: e });
        }
      } else if (c === '$') {
        parts.push(this.scanDollar('base'));
      } else if (c === '`') {
        parts.push(this.scanBackquote(false));
      } else {
        this.pos++;
        pushLit(parts, c);
      }
    }
  }

  /** The word of "${name op word}": double-quote rules, where " nests and ' is plain. */
  private scanBracedArgDq(open: number): WordPart[] {
    const parts: WordPart[] = [];
    for (;;) {
      const c = this.peekc();
      if (c === undefined) this.missingBrace(open);
      this.pos++;
      if (c === '}') return parts;
      if (c === '"') {
        parts.push(...this.scanDoubleQuoted(false));
      } else if (c === '\\') {
        const e = this.src[this.pos];
        if (e !== undefined && '$`"\\}'.includes(e)) {
          this.pos++;
          parts.push({ kind: 'esc', text: e });
        } else pushLit(parts, '\\');
      } else if (c === '$') {
        this.pos--;
        parts.push(this.scanDollar('dq'));
      } else if (c === '`') {
        this.pos--;
        parts.push(this.scanBackquote(true));
      } else {
        pushLit(parts, c);
      }
    }
  }

  /** After "$((": the expression up to the matching "))". */
  private scanArith(): WordPart {
    const parts: WordPart[] = [];
    const start = this.pos;
    let depth = 0;
    for (;;) {
      const c = this.peekc();
      if (c === undefined) this.syntaxError("missing '))'", true);
      if (c === ')') {
        this.pos++;
        if (depth > 0) {
          depth--;
          pushLit(parts, ')');
          continue;
        }
        if (this.peekc() === ')') {
          this.pos++;
          return { kind: 'arith', expr: { parts, text: this.src.slice(start, this.pos - 2) } };
        }
        pushLit(parts, ')');
        continue;
      }
      if (c === '(') {
        depth++;
        this.pos++;
        pushLit(parts, '(');
      } else if (c === '"') {
        this.pos++;
        parts.push({ kind: 'dq', parts: this.scanDoubleQuoted(false) });
      } else if (c === '\\') {
        this.pos++;
        const e = this.src[this.pos];
        if (e !== undefined && '$`"\\'.includes(e)) {
          this.pos++;
          parts.push({ kind: 'esc', text: e });
        } else pushLit(parts, '\\');
      } else if (c === '$') {
        parts.push(this.scanDollar('dq'));
      } else if (c === '`') {
        parts.push(this.scanBackquote(true));
      } else {
        this.pos++;
        pushLit(parts, c);
      }
    }
  }

  /** At a backquote: the old-style command substitution, parsed as a program of its own. */
  private scanBackquote(inDq: boolean): WordPart {
    const line = this.lineAt();
    this.pos++;
    let text = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.syntaxError('EOF in backquote substitution', true);
      this.pos++;
      if (c === '`') break;
      if (c === '\\') {
        const e = this.src[this.pos];
        if (e === '\n') {
          this.pos++;
          continue;
        }
        if (e !== undefined && ('$`\\'.includes(e) || (inDq && e === '"'))) {
          this.pos++;
          text += e;
          continue;
        }
      }
      text += c;
    }
    return { kind: 'cmd', body: this.subParser(text, line).parseAll() };
  }

  /** Queues a here-document whose body starts after the next newline. */
  protected addHeredoc(doc: HereDoc, strip: boolean): void {
    this.pendingHeredocs.push({ doc, strip });
  }

  private readHeredocBodies(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const { doc, strip } of pending) {
      const line = this.lineAt();
      let body = '';
      let found = false;
      while (this.pos < this.src.length) {
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let text = this.src.slice(this.pos, end);
        this.pos = Math.min(end + 1, this.src.length);
        if (strip) text = text.replace(/^\t+/, '');
        if (text === doc.delim) {
          found = true;
          break;
        }
        // In an unquoted body, backslash-newline joins lines (and hides a delimiter).
        while (!doc.quoted && endsWithOddBackslashes(text) && this.pos < this.src.length) {
          let e2 = this.src.indexOf('\n', this.pos);
          if (e2 < 0) e2 = this.src.length;
          text = text.slice(0, -1) + this.src.slice(this.pos, e2);
          this.pos = Math.min(e2 + 1, this.src.length);
        }
        body += text + (end < this.src.length ? '\n' : '');
      }
      if (!found && this.streaming) this.syntaxError('unexpected end of file', true);
      if (doc.quoted) {
        doc.body = { parts: body ? [{ kind: 'sq', text: body }] : [], text: body };
      } else {
        const sub = this.subParser(body, line);
        doc.body = { parts: sub.scanHeredocText(), text: body };
      }
    }
  }

  /** The whole source as an unquoted here-document body: only $, ` and \ are special. */
  protected scanHeredocText(): WordPart[] {
    const parts: WordPart[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') {
        const e = this.src[this.pos + 1];
        if (e !== undefined && '$`\\'.includes(e)) {
          this.pos += 2;
          parts.push({ kind: 'esc', text: e });
          continue;
        }
        this.pos++;
        pushLit(parts, '\\');
      } else if (c === '$') {
        parts.push(this.scanDollar('heredoc'));
      } else if (c === '`') {
        parts.push(this.scanBackquote(false));
      } else {
        this.pos++;
        pushLit(parts, c);
      }
    }
    return parts;
  }
}

/** ${x/pattern/replacement}: splits the word at its first unquoted slash. */
function splitAtSlash(parts: WordPart[]): [WordPart[], WordPart[] | null] {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind !== 'lit') continue;
    const k = p.text.indexOf('/');
    if (k < 0) continue;
    const before = p.text.slice(0, k);
    const after = p.text.slice(k + 1);
    const left = [...parts.slice(0, i), ...(before ? [{ kind: 'lit' as const, text: before }] : [])];
    const right = [...(after ? [{ kind: 'lit' as const, text: after }] : []), ...parts.slice(i + 1)];
    return [left, right];
  }
  return [parts, null];
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function param(name: string): WordPart & { kind: 'param' } {
  return { kind: 'param', name, op: null, colon: false, arg: null, length: false };
}

function pushLit(parts: WordPart[], text: string): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === 'lit') last.text += text;
  else parts.push({ kind: 'lit', text });
}
