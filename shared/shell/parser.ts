/**
 * Recursive-descent parser for the POSIX shell grammar.
 *
 * Why not mvdan/sh (npm `sh-syntax` 0.7.0, the maintained parser)? Measured in Node 20
 * on the project's 2-core machine: its main.wasm is 749 KB (10 ms just to compile),
 * the module takes ~23 ms to import, the first parse ~36-84 ms, and every later parse
 * still ~27-35 ms, because each call instantiates a fresh Go runtime — `true` costs
 * the same as a RUN line like `apt-get update && apt-get install -y --no-install-
 * recommends curl ca-certificates && rm -rf /var/lib/apt/lists/* && echo "done
 * $HOME" | tee /tmp/x`. A container's `sh -c true` must start within a few
 * milliseconds, and browsers would download and compile the Go wasm too. Its JSON
 * tree also drops the command nodes (a statement's `Cmd` carries only Pos/End), so
 * it could not drive an interpreter anyway.
 *
 * This parser, same machine: that RUN line in ~0.05 ms warm (1.5 ms cold), and a
 * whole `sh -c true` (parse and run) in ~0.04 ms warm, 2 ms cold. It mirrors busybox
 * ash's grammar functions (list, andor, pipeline, command, simple command) and token
 * rules so that syntax errors read exactly as ash's do:
 * `line 3: syntax error: unexpected "fi"`.
 */
import type { Assignment, Case, CaseItem, Command, For, FunctionDef, If, List, ListItem, Redirect, SimpleCommand, Word, WordPart } from './ast.ts';
import { KEYWORDS, Lexer, ShellSyntaxError, isName, tokenName, type Keyword, type Token, type TokenType } from './lexer.ts';

export { ShellSyntaxError } from './lexer.ts';

interface ReadFlags {
  /** Skip newlines (reading their here-documents). */
  nl?: boolean;
  /** Recognize keywords. */
  kwd?: boolean;
  /** The next word is a here-document delimiter: $ and ` are plain. */
  eofmark?: boolean;
}

/** Tokens that end a list (ash's tokendlist). */
const END_LIST = new Set<TokenType>(['EOF', ')', ';;', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'in', 'then', '}']);

/** Special builtins cannot be redefined as functions. */
const SPECIAL_BUILTINS = new Set(['break', 'continue', 'eval', 'exec', 'exit', 'export', 'local', 'readonly', 'return', 'set', 'shift', 'source', 'times', 'trap', 'unset']);

const EOF_TOKEN: Token = { type: 'EOF', word: null, quoted: false, redir: null };

export class Parser extends Lexer {
  private pushed: Token | null = null;
  private last: Token = EOF_TOKEN;

  /**
   * @param lineBase the number of the first line: 1 for script files, 0 for `sh -c`
   *   strings, the current line for `eval` (as ash counts).
   */
  constructor(src: string, lineBase = 1) {
    super(src, lineBase);
  }

  /**
   * The next complete command line (everything up to an unquoted newline, with its
   * here-documents), or null at end of input. Blank lines give an empty list. Throws
   * ShellSyntaxError.
   */
  next(): List | null {
    const r = this.list(1);
    if (r === 'eof') return null;
    return r ?? { type: 'list', items: [] };
  }

  /** The whole input as one list. */
  parseAll(): List {
    const items: ListItem[] = [];
    for (let l = this.next(); l; l = this.next()) items.push(...l.items);
    return { type: 'list', items };
  }

  /** Offset just past what has been parsed so far. */
  get offset(): number {
    return this.pos;
  }

  protected parseCommandSubstitution(): List {
    const body = this.list(2);
    if (this.readToken().type !== ')') this.unexpected(')');
    return body === 'eof' || body === null ? { type: 'list', items: [] } : body;
  }

  protected subParser(text: string, lineBase: number): Parser {
    return new Parser(text, lineBase);
  }

  private readToken(flags: ReadFlags = {}): Token {
    let t: Token;
    if (this.pushed) {
      t = this.pushed;
      this.pushed = null;
    } else {
      t = this.lex(flags);
    }
    if (flags.nl) while (t.type === 'NL') t = this.lex(flags);
    if (flags.kwd && t.type === 'WORD' && !t.quoted) {
      const text = plain(t.word!);
      if ((KEYWORDS as readonly string[]).includes(text)) t = { ...t, type: text as Keyword };
    }
    this.last = t;
    return t;
  }

  private lex(flags: ReadFlags): Token {
    if (flags.eofmark) {
      // A here-document delimiter: scan it with $ and ` taken literally.
      for (;;) {
        const c = this.peekc();
        if (c === ' ' || c === '\t') this.pos++;
        else break;
      }
      const c = this.peekc();
      if (c !== undefined && !' \t\n;&|()<>'.includes(c)) {
        const start = this.pos;
        const { parts, quoted } = this.scanWord(true);
        return { type: 'WORD', word: { parts, text: this.src.slice(start, this.pos) }, quoted, redir: null };
      }
    }
    return this.lexToken();
  }

  private pushBack(): void {
    this.pushed = this.last;
  }

  private unexpected(expected?: TokenType): never {
    let detail = `unexpected ${tokenName(this.last.type)}`;
    if (expected) detail += ` (expecting ${tokenName(expected)})`;
    throw new ShellSyntaxError(detail, this.lineAt(), this.last.type === 'EOF');
  }

  /**
   * ash's list(): nlflag 1 at top level (stop at a newline), 0 for a compound
   * command's body (newlines separate), 2 like 0 but possibly empty.
   */
  private list(nlflag: 0 | 1 | 2): List | null | 'eof' {
    const chknl = (nlflag & 1) === 0;
    const items: ListItem[] = [];
    let flag: number = nlflag;
    for (;;) {
      let tok = this.readToken({ nl: chknl, kwd: true });
      if (tok.type === 'NL') return items.length ? { type: 'list', items } : null;
      if (tok.type === 'EOF') {
        this.pushBack();
        if (!items.length) return chknl ? null : 'eof';
        return { type: 'list', items };
      }
      this.pushBack();
      if (flag === 2 && END_LIST.has(tok.type)) return items.length ? { type: 'list', items } : null;
      flag |= 2;
      const command = this.andOr();
      tok = this.readToken();
      items.push({ command, background: tok.type === '&' });
      switch (tok.type) {
        case 'EOF':
          this.pushBack();
          return { type: 'list', items };
        case 'NL':
          this.pushBack();
          break;
        case '&':
        case ';':
          break;
        default:
          if (!chknl) this.unexpected();
          this.pushBack();
          return { type: 'list', items };
      }
    }
  }

  private andOr(): Command {
    let left = this.pipeline({});
    for (;;) {
      const t = this.readToken();
      if (t.type !== '&&' && t.type !== '||') {
        this.pushBack();
        return left;
      }
      const right = this.pipeline({ nl: true, kwd: true });
      left = { type: t.type === '&&' ? 'and' : 'or', left, right };
    }
  }

  private pipeline(first: ReadFlags): Command {
    let negate = false;
    let next: ReadFlags = {};
    const line = this.lineAt();
    if (this.readToken(first).type === '!') {
      negate = true;
      next = { kwd: true };
    } else {
      this.pushBack();
    }
    const commands = [this.command(next)];
    while (this.readToken().type === '|') commands.push(this.command({ nl: true, kwd: true }));
    this.pushBack();
    if (!negate && commands.length === 1) return commands[0]!;
    return { type: 'pipeline', negate, commands, line };
  }

  private command(flags: ReadFlags): Command {
    const line = this.lineAt();
    const t = this.readToken(flags);
    let node: Command;
    let close: TokenType;
    switch (t.type) {
      case 'if': {
        node = this.ifClause(line);
        close = 'fi';
        break;
      }
      case 'while':
      case 'until': {
        const cond = this.body(0);
        if (this.readToken().type !== 'do') this.unexpected('do');
        const body = this.body(0);
        node = { type: 'loop', until: t.type === 'until', cond, body, redirs: [], line };
        close = 'done';
        break;
      }
      case 'for': {
        node = this.forClause(line);
        close = 'done';
        break;
      }
      case 'case': {
        const c = this.caseClause(line);
        c.redirs = this.trailingRedirects();
        return c;
      }
      case '(':
        node = { type: 'subshell', body: this.body(0), redirs: [], line };
        close = ')';
        break;
      case '{':
        node = { type: 'group', body: this.body(0), redirs: [], line };
        close = '}';
        break;
      case 'WORD':
      case 'REDIR':
        this.pushBack();
        return this.simpleCommand();
      default:
        this.unexpected();
    }
    if (this.readToken().type !== close) this.unexpected(close);
    (node as { redirs: Redirect[] }).redirs = this.trailingRedirects();
    return node;
  }

  private body(nlflag: 0 | 2): List {
    const l = this.list(nlflag);
    return l === null || l === 'eof' ? { type: 'list', items: [] } : l;
  }

  private ifClause(line: number): If {
    const cond = this.body(0);
    if (this.readToken().type !== 'then') this.unexpected('then');
    const node: If = { type: 'if', cond, then: this.body(0), else: null, redirs: [], line };
    let cur = node;
    while (this.readToken().type === 'elif') {
      const elifLine = this.lineAt();
      const c = this.body(0);
      if (this.readToken().type !== 'then') this.unexpected('then');
      const next: If = { type: 'if', cond: c, then: this.body(0), else: null, redirs: [], line: elifLine };
      cur.else = next;
      cur = next;
    }
    if (this.last.type === 'else') cur.else = this.body(0);
    else this.pushBack();
    return node;
  }

  private forClause(line: number): For {
    const v = this.readToken();
    if (v.type !== 'WORD' || v.quoted || !isName(plain(v.word!))) throw new ShellSyntaxError('bad for loop variable', this.lineAt(), false);
    let words: Word[] | null = null;
    if (this.readToken({ nl: true, kwd: true }).type === 'in') {
      words = [];
      let t: Token;
      while ((t = this.readToken()).type === 'WORD') words.push(t.word!);
      if (this.last.type !== 'NL' && this.last.type !== ';') this.unexpected();
    } else if (this.last.type !== ';') {
      this.pushBack();
    }
    if (this.readToken({ nl: true, kwd: true }).type !== 'do') this.unexpected('do');
    const body = this.body(0);
    return { type: 'for', name: plain(v.word!), words, body, redirs: [], line };
  }

  private caseClause(line: number): Case {
    const w = this.readToken();
    if (w.type !== 'WORD') this.unexpected('WORD');
    if (this.readToken({ nl: true, kwd: true }).type !== 'in') this.unexpected('in');
    const items: CaseItem[] = [];
    let t = this.readToken({ nl: true, kwd: true });
    while (t.type !== 'esac') {
      if (t.type === '(') t = this.readToken();
      const patterns: Word[] = [];
      for (;;) {
        if (!t.word) this.unexpected();
        patterns.push(t.word);
        if (this.readToken().type !== '|') break;
        t = this.readToken();
      }
      if (this.last.type !== ')') this.unexpected(')');
      const body = this.list(2);
      items.push({ patterns, body: body === 'eof' ? null : body });
      t = this.readToken({ nl: true, kwd: true });
      if (t.type !== 'esac') {
        if (t.type !== ';;') this.unexpected(';;');
        t = this.readToken({ nl: true, kwd: true });
      }
    }
    return { type: 'case', word: w.word!, items, redirs: [], line };
  }

  private trailingRedirects(): Redirect[] {
    const redirs: Redirect[] = [];
    while (this.readToken({ kwd: true }).type === 'REDIR') redirs.push(this.redirectTarget(this.last));
    this.pushBack();
    return redirs;
  }

  private redirectTarget(t: Token): Redirect {
    const { fd, op } = t.redir!;
    const heredoc = op === '<<' || op === '<<-';
    const target = this.readToken({ eofmark: heredoc });
    if (target.type !== 'WORD') this.unexpected();
    const word = target.word!;
    if (!heredoc) return { fd, op, target: word, heredoc: null };
    const doc = { delim: unquote(word.parts), quoted: target.quoted, body: { parts: [], text: '' } };
    this.addHeredoc(doc, op === '<<-');
    return { fd, op, target: word, heredoc: doc };
  }

  private simpleCommand(): Command {
    const line = this.lineAt();
    const assigns: Assignment[] = [];
    const args: Word[] = [];
    const redirs: Redirect[] = [];
    let checkAssign = true;
    for (;;) {
      const t = this.readToken();
      if (t.type === 'WORD') {
        const a = checkAssign ? assignment(t.word!) : null;
        if (a) assigns.push(a);
        else {
          args.push(t.word!);
          checkAssign = false;
        }
      } else if (t.type === 'REDIR') {
        redirs.push(this.redirectTarget(t));
      } else if (t.type === '(' && args.length === 1 && !assigns.length && !redirs.length) {
        if (this.readToken().type !== ')') this.unexpected(')');
        const name = plain(args[0]!);
        if (!isName(name) || SPECIAL_BUILTINS.has(name)) {
          throw new ShellSyntaxError('bad function name', this.lineAt(), false);
        }
        const body = this.command({ nl: true, kwd: true });
        const def: FunctionDef = { type: 'function', name, body, line };
        return def;
      } else {
        this.pushBack();
        break;
      }
    }
    const cmd: SimpleCommand = { type: 'simple', assigns, args, redirs, line };
    return cmd;
  }
}

/** A word's source without line continuations (for keywords and names). */
function plain(w: Word): string {
  return w.text.replace(/\\\n/g, '');
}

/** NAME=value when the word starts with an unquoted NAME=. */
function assignment(word: Word): Assignment | null {
  const first = word.parts[0];
  if (!first || first.kind !== 'lit') return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  const parts: WordPart[] = rest ? [{ kind: 'lit', text: rest }, ...word.parts.slice(1)] : word.parts.slice(1);
  return { name: m[1]!, value: { parts, text: word.text.slice(word.text.indexOf('=') + 1) } };
}

/** The text of a word with its quotes removed (here-document delimiters). */
function unquote(parts: WordPart[]): string {
  let s = '';
  for (const p of parts) {
    if (p.kind === 'lit' || p.kind === 'sq' || p.kind === 'esc') s += p.text;
    else if (p.kind === 'dq') s += unquote(p.parts);
  }
  return s;
}

/** Parses a whole program. Throws ShellSyntaxError. */
export function parse(src: string, lineBase = 1): List {
  return new Parser(src, lineBase).parseAll();
}
