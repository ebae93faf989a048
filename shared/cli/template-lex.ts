import { goQuote, utf8Length } from './gofmt.ts';

/**
 * Tokens of Go's text/template language, with the same rules for `{{-`/`-}}` trim
 * markers, comments and literals, so templates split and fail where Go's do.
 * Positions are indices into the JavaScript string; lines count from 1.
 */

export type TokenType =
  | 'error'
  | 'bool'
  | 'char' // a printable ASCII character inside an action: comma and the like
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  type: TokenType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, TokenType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};

export function isKeyword(t: TokenType): boolean {
  return ['block', 'break', 'continue', 'dot', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with'].includes(t);
}

/** How Go prints a token in "unexpected ..." messages. */
export function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (isKeyword(t.type)) return `<${t.val}>`;
  if (utf8Length(t.val) > 10) return goQuote([...t.val].slice(0, 10).join('')) + '...';
  return goQuote(t.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /^[\p{L}\p{Nd}_]$/u;
export function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && ALNUM.test(c);
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s[i] === '-' && isSpace(s[i + 1]);
}
function hasRightTrimMarker(s: string, i: number): boolean {
  return isSpace(s[i]) && s[i + 1] === '-';
}

function trimRightLength(s: string): number {
  let n = 0;
  while (n < s.length && isSpace(s[s.length - 1 - n])) n++;
  return n;
}
function trimLeftLength(s: string, from: number): number {
  let n = 0;
  while (isSpace(s[from + n])) n++;
  return n;
}

/** %#U of a character, as Go's lexer errors print it: `U+0021 '!'`. */
function hashU(c: string): string {
  const cp = c.codePointAt(0)!;
  const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return cp >= 0x20 && cp !== 0x7f ? `${u} '${c}'` : u;
}

/** Split a template into tokens. The list always ends with an `eof` or `error` token. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  let pos = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (type: TokenType): void => {
    tokens.push({ type, pos: start, val: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += count(input.slice(start, pos), '\n');
    start = pos;
    startLine = line;
  };
  const next = (): string | undefined => {
    if (pos >= input.length) {
      pos = input.length + 1; // so that backup() after eof is harmless
      return undefined;
    }
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    if (c === '\n') line++;
    return c;
  };
  const backup = (c: string | undefined): void => {
    if (c === undefined) {
      pos = input.length;
      return;
    }
    pos -= c.length;
    if (c === '\n') line--;
  };
  const peek = (): string | undefined => (pos < input.length ? String.fromCodePoint(input.codePointAt(pos)!) : undefined);
  const fail = (msg: string): null => {
    tokens.push({ type: 'error', pos: start, val: msg, line: startLine });
    return null;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2)) return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r)) return true;
    if (r === undefined || '.,|:)('.includes(r)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const accept = (valid: string): boolean => {
    const c = next();
    if (c !== undefined && valid.includes(c)) return true;
    backup(c);
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const c = next();
      if (c === undefined || !valid.includes(c)) {
        backup(c);
        return;
      }
    }
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  type State = (() => State) | null;

  const lexText = (): State => {
    const x = input.indexOf(LEFT, pos);
    if (x >= 0) {
      pos = x;
      let trim = 0;
      if (hasLeftTrimMarker(input, pos + LEFT.length)) trim = trimRightLength(input.slice(start, pos));
      pos -= trim;
      if (pos > start) {
        line += count(input.slice(start, pos), '\n');
        emit('text');
      }
      pos += trim;
      ignore();
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) {
      line += count(input.slice(start, pos), '\n');
      emit('text');
    }
    emit('eof');
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input, pos);
    const after = trim ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + after)) {
      pos += after;
      ignore();
      return lexComment;
    }
    emit('leftDelim');
    pos += after;
    ignore();
    parenDepth = 0;
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += LEFT_COMMENT.length;
    const i = input.indexOf(RIGHT_COMMENT, pos);
    if (i < 0) return fail('unclosed comment');
    pos = i + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) return fail('comment ends before closing delimiter');
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += trimLeftLength(input, pos);
    ignore();
    return lexText;
  };

  const lexRightDelim = (): State => {
    const trim = hasRightTrimMarker(input, pos);
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      pos += trimLeftLength(input, pos);
      ignore();
    }
    return lexText;
  };

  const lexInsideAction = (): State => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim;
      return fail('unclosed left paren');
    }
    const r = next();
    if (r === undefined) return fail('unclosed action');
    if (isSpace(r)) {
      backup(r);
      return lexSpace;
    }
    switch (r) {
      case '=':
        emit('assign');
        return lexInsideAction;
      case ':':
        if (next() !== '=') return fail('expected :=');
        emit('declare');
        return lexInsideAction;
      case '|':
        emit('pipe');
        return lexInsideAction;
      case '"':
        return lexQuote;
      case '`':
        return lexRawQuote;
      case '$':
        return lexVariable;
      case "'":
        return lexChar;
      case '(':
        emit('leftParen');
        parenDepth++;
        return lexInsideAction;
      case ')':
        emit('rightParen');
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${hashU(r)}`);
        return lexInsideAction;
    }
    if (r === '.') {
      const c = input[pos];
      if (pos < input.length && (c! < '0' || c! > '9')) return lexField;
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backup(r);
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup(r);
      return lexIdentifier;
    }
    const cp = r.codePointAt(0)!;
    if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
      emit('char');
      return lexInsideAction;
    }
    return fail(`unrecognized character in action: ${hashU(r)}`);
  };

  const lexSpace = (): State => {
    let n = 0;
    while (isSpace(peek())) {
      next();
      n++;
    }
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos + 1)) {
      backup(input[pos - 1]);
      if (n === 1) return lexRightDelim;
    }
    emit('space');
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = next();
      if (isAlphaNumeric(r)) continue;
      backup(r);
      const word = input.slice(start, pos);
      if (!atTerminator()) return fail(`bad character ${hashU(r ?? '')}`);
      const kw = KEYWORDS[word];
      if (kw && kw !== 'dot') emit(kw);
      else if (word[0] === '.') emit('field');
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return lexInsideAction;
    }
  };

  const lexFieldOrVariable = (type: 'field' | 'variable'): State => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return lexInsideAction;
    }
    let r: string | undefined;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup(r);
        break;
      }
    }
    if (!atTerminator()) return fail(`bad character ${hashU(r ?? '')}`);
    emit(type);
    return lexInsideAction;
  };
  const lexField = (): State => lexFieldOrVariable('field');
  const lexVariable = (): State => {
    if (atTerminator()) {
      emit('variable');
      return lexInsideAction;
    }
    return lexFieldOrVariable('variable');
  };

  const lexChar = (): State => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const r = next();
        if (r !== undefined && r !== '\n') continue;
        return fail('unterminated character constant');
      }
      if (c === undefined || c === '\n') return fail('unterminated character constant');
      if (c === "'") break;
    }
    emit('charConstant');
    return lexInsideAction;
  };

  const lexNumber = (): State => {
    if (!scanNumber()) return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
      emit('complex');
    } else {
      emit('number');
    }
    return lexInsideAction;
  };

  const lexQuote = (): State => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const r = next();
        if (r !== undefined && r !== '\n') continue;
        return fail('unterminated quoted string');
      }
      if (c === undefined || c === '\n') return fail('unterminated quoted string');
      if (c === '"') break;
    }
    emit('string');
    return lexInsideAction;
  };

  const lexRawQuote = (): State => {
    for (;;) {
      const c = next();
      if (c === undefined) return fail('unterminated raw quoted string');
      if (c === '`') break;
    }
    emit('rawString');
    return lexInsideAction;
  };

  let state: State = lexText;
  while (state) state = state();
  return tokens;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
