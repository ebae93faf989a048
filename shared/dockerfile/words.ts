/**
 * The line-level splitters of the Dockerfile parser (BuildKit parser/line_parsers.go and
 * split_command.go): instruction name and `--flags`, whitespace lists, quote-aware words,
 * key=value pairs and the JSON (exec) form. They keep quotes and escapes in the words they
 * return; variable expansion, which removes them, happens later (shell.ts).
 */

/** Go's unicode.IsSpace: the White_Space property. */
const SPACE = /^\p{White_Space}$/u;
export function isSpace(ch: string | undefined): boolean {
  if (ch === undefined || ch.length === 0) return false;
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return SPACE.test(ch);
}

/** Go's strings.TrimSpace (JavaScript's trim() also strips U+FEFF, Go's does not). */
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s[start])) start++;
  while (end > start && isSpace(s[end - 1])) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export function trimLeftSpace(s: string): string {
  let start = 0;
  while (start < s.length && isSpace(s[start])) start++;
  return start === 0 ? s : s.slice(start);
}

/** The separator of whitespace lists: BuildKit's `[\t\v\f\r ]+`. */
const WHITESPACE = /[\t\v\f\r ]+/;

/** Splits on runs of blanks; "" gives no words. */
export function splitWhitespace(rest: string): string[] {
  if (rest === '') return [];
  return rest.split(WHITESPACE);
}

/** Splits once on the first run of blanks. */
function splitOnce(s: string): [string] | [string, string] {
  const m = WHITESPACE.exec(s);
  if (!m) return [s];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}

export interface CommandParts {
  /** The instruction word as written. */
  name: string;
  /** Leading `--name[=value]` words, quotes and escapes removed. */
  flags: string[];
  /** The rest of the line, trimmed. */
  rest: string;
}

/** Splits a logical line into instruction name, builder flags and the rest. */
export function splitCommand(line: string, escapeChar: string): CommandParts {
  const parts = splitOnce(trimSpace(line));
  if (parts.length === 1) return { name: parts[0], flags: [], rest: '' };
  const { rest, flags } = extractFlags(parts[1], escapeChar);
  return { name: parts[0], flags, rest: trimSpace(rest) };
}

/**
 * Takes the leading words that start with `--` off a line. A lone `--` ends the flags.
 * Quotes group characters and are removed; the escape character escapes the next one.
 */
export function extractFlags(line: string, esc: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  const IN_SPACES = 0;
  const IN_WORD = 1;
  const IN_QUOTE = 2;
  let phase = IN_SPACES;
  let word = '';
  let quote = '';
  let blankOK = false;
  const n = line.length;
  for (let pos = 0; pos <= n; pos++) {
    let ch = pos < n ? line[pos]! : '';
    if (phase === IN_SPACES) {
      if (pos === n) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === n || line[pos + 1] !== '-') return { rest: line.slice(pos), flags };
      phase = IN_WORD;
    }
    if (pos === n) {
      if (word !== '--' && (blankOK || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === IN_WORD) {
      if (isSpace(ch)) {
        phase = IN_SPACES;
        if (word === '--') return { rest: line.slice(pos), flags };
        if (blankOK || word.length > 0) flags.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = IN_QUOTE;
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === n) continue;
        pos++;
        ch = line[pos]!;
      }
      word += ch;
      continue;
    }
    // IN_QUOTE
    if (ch === quote) {
      phase = IN_WORD;
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === n) {
        phase = IN_WORD;
        continue;
      }
      pos++;
      ch = line[pos]!;
    }
    word += ch;
  }
  return { rest: '', flags };
}

/**
 * Splits on unquoted whitespace, keeping quotes and escapes in the words (they are
 * removed at expansion). A quoted empty string is a word. Used by ARG, ENV and LABEL.
 */
export function parseWords(rest: string, esc: string): string[] {
  const words: string[] = [];
  const IN_SPACES = 0;
  const IN_WORD = 1;
  const IN_QUOTE = 2;
  let phase = IN_SPACES;
  let quote = '';
  let blankOK = false;
  let word = '';
  const chars = Array.from(rest);
  const n = chars.length;
  for (let pos = 0; pos <= n; pos++) {
    let ch = pos < n ? chars[pos]! : '';
    if (phase === IN_SPACES) {
      if (pos === n) break;
      if (isSpace(ch)) continue;
      phase = IN_WORD;
    }
    if (pos === n) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === IN_WORD) {
      if (isSpace(ch)) {
        phase = IN_SPACES;
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = IN_QUOTE;
      }
      if (ch === esc) {
        if (pos + 1 === n) continue; // an escape at the very end is dropped
        // Outside quotes the escape and the escaped character both stay, even a quote.
        word += ch;
        pos++;
        ch = chars[pos]!;
      }
      word += ch;
      continue;
    }
    // IN_QUOTE
    if (ch === quote) phase = IN_WORD;
    if (ch === esc && quote !== "'") {
      if (pos + 1 === n) {
        phase = IN_WORD;
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos]!;
    }
    word += ch;
  }
  return words;
}

export interface KeyValue {
  key: string;
  /** Raw: quotes and escapes still in it. */
  value: string;
  /** `ENV key value` (one pair, the value is the rest of the line) rather than `key=value`. */
  legacy: boolean;
}

/**
 * ENV and LABEL arguments. `KEY name value` (legacy: the rest of the line is the value) or
 * `KEY a=1 b="x y"`; which one is decided by whether the first word has an `=`.
 * @throws Error with BuildKit's message on a malformed list.
 */
export function parseKeyValues(rest: string, keyword: string, esc: string): KeyValue[] {
  const words = parseWords(rest, esc);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const parts = splitOnce(rest);
    if (parts.length < 2) throw new Error(`${keyword} must have two arguments: ${keyword} <key>=<value> ... or ${keyword} <key> <value>`);
    return [{ key: parts[0], value: parts[1]!, legacy: true }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) {
      throw new Error(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
    }
    return { key: word.slice(0, eq), value: word.slice(eq + 1), legacy: false };
  });
}

export type JsonForm =
  | { kind: 'json'; values: string[] }
  | { kind: 'not-json' }
  | { kind: 'invalid'; reason: string };

/**
 * Decides whether `rest` is the JSON (exec) form. BuildKit treats any text that fails to
 * parse as JSON as the shell form, so `CMD ['a', 'b']` silently becomes a shell command that
 * fails at run time. Here text that is plainly meant as a JSON array (a bracketed,
 * comma-separated list of quoted strings or JSON literals) but is not valid JSON is an
 * error, while shell text that merely starts with `[` (`RUN [ -f x ] && ...`) stays shell form.
 */
export function parseJsonForm(rest: string): JsonForm {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return { kind: 'not-json' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const reason = jsonMistake(text);
    return reason === undefined ? { kind: 'not-json' } : { kind: 'invalid', reason };
  }
  if (!Array.isArray(parsed)) return { kind: 'not-json' };
  if (!parsed.every((v) => typeof v === 'string')) {
    return { kind: 'invalid', reason: 'when using JSON array syntax, arrays must be comprised of strings only' };
  }
  return { kind: 'json', values: parsed as string[] };
}

const JSON_LITERAL = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

/**
 * For text that starts with `[` and is not valid JSON: returns how it goes wrong when it
 * looks like an attempted JSON array, undefined when it looks like shell text.
 */
function jsonMistake(text: string): string | undefined {
  const n = text.length;
  let i = 1;
  let quoted = 0;
  let single = 0;
  let literals = 0;
  let commas = 0;
  let elements = 0;
  const skip = (): void => {
    while (i < n && isSpace(text[i])) i++;
  };
  skip();
  if (text[i] !== ']') {
    for (;;) {
      skip();
      const c = text[i];
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < n && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        if (j >= n) {
          // An unterminated string: meant as JSON only if the line still ends with `]`.
          return trimSpace(text).endsWith(']') ? 'unterminated string' : undefined;
        }
        quoted++;
        if (c === "'") single++;
        i = j + 1;
      } else {
        let j = i;
        while (j < n && !isSpace(text[j]) && text[j] !== ',' && text[j] !== '[' && text[j] !== ']' && text[j] !== '"' && text[j] !== "'") j++;
        if (j === i) return undefined;
        if (JSON_LITERAL.test(text.slice(i, j))) literals++;
        i = j;
      }
      elements++;
      skip();
      if (text[i] === ',') {
        commas++;
        i++;
        skip();
        if (text[i] === ']') break; // trailing comma
        continue;
      }
      if (text[i] === ']') break;
      return undefined;
    }
  }
  i++; // ']'
  skip();
  if (i < n) return undefined;
  if (elements > 0 && quoted === 0 && literals === 0 && commas === 0) return undefined;
  if (single > 0) return 'JSON strings need double quotes, not single quotes';
  if (quoted < elements) return 'every element must be a double-quoted string';
  return 'not valid JSON';
}
