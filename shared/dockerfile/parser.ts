import { DirectiveScanner, type Directive } from './directives.ts';
import { DockerfileError, makeWarning, type DockerfileWarning } from './error.ts';
import { heredocsFromLine, type Heredoc } from './heredoc.ts';
import { HEREDOC_KEYWORDS, Keyword } from './keywords.ts';
import type { Location } from './location.ts';
import {
  parseJsonForm,
  parseKeyValues,
  parseWords,
  splitCommand,
  splitWhitespace,
  isSpace,
  trimLeftSpace,
  trimSpace,
  type KeyValue,
} from './words.ts';

/**
 * Stage 1 of 3: Dockerfile text → `Node`s, one per instruction (BuildKit parser/parser.go).
 *
 * The parser knows lines, not meaning: it applies the parser directives, joins
 * continuation lines (dropping comment lines and empty lines inside them), reads heredoc
 * bodies, takes `--flags` off, and splits the arguments the way each keyword wants
 * (JSON or shell form, whitespace lists, key=value pairs). Unknown keywords become nodes
 * without arguments; instructions.ts rejects them. Nothing is expanded here.
 */
export interface Node {
  /** The instruction word as written: `FROM`, `from`, `From`. */
  name: string;
  /** `name` in lower case; compare with the Keyword constants. */
  keyword: string;
  /** Leading `--name[=value]` words with quotes removed: `["--from=build"]`. */
  flags: string[];
  /**
   * The arguments, raw (quotes, escapes and `$` still in them). Per keyword: the JSON
   * array elements in exec form; else the rest of the line as one string (RUN, CMD,
   * ENTRYPOINT, SHELL, WORKDIR, USER, STOPSIGNAL, MAINTAINER); whitespace-split words
   * (FROM, EXPOSE, COPY, ADD, VOLUME); quote-aware words (ARG); the type then the command
   * (HEALTHCHECK); the trigger's keyword then its arguments (ONBUILD). Empty for ENV and
   * LABEL, whose arguments are in `pairs`.
   */
  args: string[];
  /** ENV and LABEL: the key/value pairs, raw. */
  pairs: KeyValue[];
  /** The arguments are in JSON (exec) form. */
  json: boolean;
  /** Heredoc bodies that follow the instruction line, in the order they were opened. */
  heredocs: Heredoc[];
  /** ONBUILD: the trigger instruction. */
  child?: Node;
  /** The logical line: continuation lines joined, comments and empty lines dropped. */
  original: string;
  /** The lines startLine..endLine exactly as written (heredoc bodies included). */
  source: string;
  startLine: number;
  endLine: number;
  /** Comment lines directly above the instruction, without `#`. */
  comments: string[];
}

export interface ParsedFile {
  nodes: Node[];
  directives: Directive[];
  /** `\` unless a `# escape=` directive chose the backtick. */
  escapeChar: string;
  warnings: DockerfileWarning[];
}

export interface ParseOptions {
  /** The name used in messages; default `Dockerfile`. */
  file?: string;
}

/**
 * @throws DockerfileError for a bad or repeated directive, an invalid JSON array, a
 *   malformed ENV/LABEL, an unterminated heredoc or a file with no instructions.
 */
export function parse(text: string, opts: ParseOptions = {}): ParsedFile {
  const file = opts.file ?? 'Dockerfile';
  const loc = (startLine: number, endLine = startLine): Location => ({ file, startLine, endLine });

  const lines = text.split('\n');
  const endsWithNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  if (lines.length > 0 && lines[0]!.startsWith('\uFEFF')) lines[0] = lines[0]!.slice(1);
  const rawLine = (i: number): string => (i < lines.length - 1 || endsWithNewline ? lines[i]! + '\n' : lines[i]!);

  let esc = '\\';
  const directives: Directive[] = [];
  const scanner = new DirectiveScanner();
  const nodes: Node[] = [];
  const warnings: DockerfileWarning[] = [];
  let comments: string[] = [];
  let li = 0; // index of the next line to read; after reading, li is the 1-based number of the line read

  while (li < lines.length) {
    const line = trimNewline(lines[li++]!);
    const lineNo = li;
    const token = trimLeftSpace(line);
    if (token.startsWith('#')) {
      const comment = trimSpace(token.slice(1));
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    let directive: Directive | undefined;
    try {
      directive = scanner.scan(token, lineNo);
    } catch (err) {
      throw new DockerfileError((err as Error).message, loc(lineNo));
    }
    if (directive) {
      if (directive.name === 'escape') {
        if (directive.value !== '\\' && directive.value !== '`') {
          throw new DockerfileError(
            `invalid escape token '${directive.value}' does not match \` or \\`,
            loc(lineNo),
          );
        }
        esc = directive.value;
      }
      directives.push(directive);
      comments.pop();
    }
    const startLine = lineNo;
    let [content, ended] = trimContinuation(token.startsWith('#') ? '' : token, esc);
    if (ended && content === '') continue;

    let buf = content;
    let emptyLine = 0;
    while (!ended && li < lines.length) {
      const cont = trimNewline(lines[li++]!);
      if (trimLeftSpace(cont).startsWith('#')) continue; // comments inside continuations vanish
      if (trimLeftSpace(cont) === '') {
        if (emptyLine === 0) emptyLine = li;
        continue;
      }
      [content, ended] = trimContinuation(cont, esc);
      buf += content;
    }
    let endLine = li;
    if (emptyLine !== 0) {
      warnings.push(
        makeWarning(
          'NoEmptyContinuation',
          'empty continuation line; empty continuation lines will become errors in a future release',
          loc(emptyLine),
        ),
      );
    }

    let node: Node;
    try {
      node = nodeFromLine(buf, esc, comments);
    } catch (err) {
      if (err instanceof DockerfileError) throw err;
      throw new DockerfileError((err as Error).message, loc(startLine, endLine));
    }

    if (canContainHeredoc(node) && buf.includes('<<')) {
      for (const doc of heredocsFromLine(buf)) {
        let body = '';
        let terminated = false;
        while (li < lines.length) {
          const raw = rawLine(li++);
          let candidate = trimNewline(raw);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          body += raw;
        }
        endLine = li;
        if (!terminated) {
          throw new DockerfileError(
            `unterminated heredoc: no line "${doc.name}" ends the heredoc opened on line ${startLine}`,
            loc(startLine, endLine),
          );
        }
        node.heredocs.push({ name: doc.name, fd: doc.fd, expand: doc.expand, chomp: doc.chomp, content: body });
      }
    }

    node.startLine = startLine;
    node.endLine = endLine;
    node.source = lines.slice(startLine - 1, endLine).map(trimNewline).join('\n');
    nodes.push(node);
    comments = [];
  }

  if (nodes.length === 0) {
    throw new DockerfileError('file with no instructions: a Dockerfile needs at least a FROM', loc(1));
  }
  return { nodes, directives, escapeChar: esc, warnings };
}

/** Go's bytes.TrimRight(line, "\r\n"). */
function trimNewline(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '\r' || s[end - 1] === '\n')) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * Removes a trailing line-continuation (the escape character, optionally followed by
 * blanks) unless the escape is itself escaped. Returns [text, isEndOfLogicalLine].
 */
function trimContinuation(line: string, esc: string): [string, boolean] {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (end === 0 || line[end - 1] !== esc) return [line, true];
  if (end >= 2 && line[end - 2] === esc) return [line, true];
  return [line.slice(0, end - 1), false];
}

function canContainHeredoc(node: Node): boolean {
  const n = node.keyword === Keyword.ONBUILD && node.child ? node.child : node;
  return HEREDOC_KEYWORDS.has(n.keyword) && !n.json;
}

/** Splits one logical line into a node (no location yet). */
function nodeFromLine(line: string, esc: string, comments: string[]): Node {
  const { name, flags, rest } = splitCommand(line, esc);
  const keyword = name.toLowerCase();
  const node: Node = {
    name,
    keyword,
    flags,
    args: [],
    pairs: [],
    json: false,
    heredocs: [],
    original: line,
    source: line,
    startLine: 0,
    endLine: 0,
    comments: [...comments],
  };
  switch (keyword) {
    case Keyword.ADD:
    case Keyword.COPY:
    case Keyword.VOLUME:
      maybeJsonToList(node, rest);
      break;
    case Keyword.RUN:
    case Keyword.CMD:
    case Keyword.ENTRYPOINT:
    case Keyword.SHELL:
      maybeJson(node, rest);
      break;
    case Keyword.ARG:
      node.args = parseWords(rest, esc);
      break;
    case Keyword.ENV:
    case Keyword.LABEL:
      node.pairs = parseKeyValues(rest, name.toUpperCase(), esc);
      break;
    case Keyword.EXPOSE:
    case Keyword.FROM:
      node.args = splitWhitespace(rest);
      break;
    case Keyword.MAINTAINER:
    case Keyword.STOPSIGNAL:
    case Keyword.USER:
    case Keyword.WORKDIR:
      node.args = rest === '' ? [] : [rest];
      break;
    case Keyword.HEALTHCHECK:
      healthcheck(node, rest);
      break;
    case Keyword.ONBUILD:
      if (rest !== '') {
        node.child = nodeFromLine(rest, esc, []);
        node.args = [node.child.name, ...node.child.args];
      }
      break;
    default:
      // Unknown instruction: kept without arguments; instructions.ts reports it.
      break;
  }
  return node;
}

function maybeJson(node: Node, rest: string): void {
  if (rest === '') return;
  const form = parseJsonForm(rest);
  if (form.kind === 'invalid') throw new Error(jsonError(node.name, rest, form.reason));
  if (form.kind === 'json') {
    node.args = form.values;
    node.json = true;
  } else {
    node.args = [rest];
  }
}

function maybeJsonToList(node: Node, rest: string): void {
  const form = parseJsonForm(rest);
  if (form.kind === 'invalid') throw new Error(jsonError(node.name, rest, form.reason));
  if (form.kind === 'json') {
    node.args = form.values;
    node.json = true;
  } else {
    node.args = splitWhitespace(rest);
  }
}

/** HEALTHCHECK: the type word (CMD, NONE), then a command in JSON or shell form. */
function healthcheck(node: Node, rest: string): void {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep])) sep++;
  if (sep === 0) return;
  let next = sep;
  while (next < rest.length && isSpace(rest[next])) next++;
  maybeJson(node, rest.slice(next));
  node.args = [rest.slice(0, sep), ...node.args];
}

function jsonError(name: string, rest: string, reason: string): string {
  const text = rest.length > 60 ? rest.slice(0, 57) + '...' : rest;
  const fix = doubleQuoted(rest) ?? stringified(rest);
  const hint = fix !== undefined ? ` (did you mean ${fix}?)` : '; write the exec form as ["executable", "arg"], or drop the brackets for the shell form';
  return `${name.toUpperCase()} ${text}: invalid JSON array: ${reason}${hint}`;
}

/** The same list with every element double-quoted, when it is a list of quoted strings. */
function doubleQuoted(rest: string): string | undefined {
  const text = trimSpace(rest);
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1);
  const element = /\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)")\s*(,|$)/y;
  const values: string[] = [];
  element.lastIndex = 0;
  while (element.lastIndex < inner.length) {
    const m = element.exec(inner);
    if (!m) return undefined;
    if (m[1] !== undefined) values.push(m[1]);
    else {
      try {
        values.push(JSON.parse(`"${m[2]}"`) as string);
      } catch {
        return undefined;
      }
    }
    if (m[3] === '') break;
  }
  if (values.length === 0) return undefined;
  const fixed = '[' + values.map((v) => JSON.stringify(v)).join(', ') + ']';
  return fixed.length > 80 ? undefined : fixed;
}

/** A valid JSON array of scalars with every element turned into a string. */
function stringified(rest: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.some((v) => v !== null && typeof v === 'object')) return undefined;
  const fixed = '[' + parsed.map((v) => JSON.stringify(String(v))).join(', ') + ']';
  return fixed.length > 80 ? undefined : fixed;
}
