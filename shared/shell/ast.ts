/**
 * The syntax tree of a shell program, as the parser builds it and the interpreter
 * walks it. Words keep their quoting structure so expansion can tell quoted text
 * from text subject to field splitting and globbing.
 */

/**
 * `:` is ${x:offset:length}; `/` and `//` replace the first / every match (ash's bash
 * extensions); `bad` is a malformed ${...}, an error only when expanded (as in ash).
 */
export type ParamOp = '-' | '=' | '?' | '+' | '%' | '%%' | '#' | '##' | ':' | '/' | '//' | 'bad';

export type WordPart =
  /** Text outside any quotes (or plain text inside double quotes / a here-document). */
  | { kind: 'lit'; text: string }
  /** '...' */
  | { kind: 'sq'; text: string }
  /** A backslash-escaped character. */
  | { kind: 'esc'; text: string }
  /** "..." */
  | { kind: 'dq'; parts: WordPart[] }
  /** $name, ${name}, ${name op word}, ${#name} */
  | { kind: 'param'; name: string; op: ParamOp | null; colon: boolean; arg: Word | null; length: boolean; repl?: Word | null }
  /** $(...) or `...` */
  | { kind: 'cmd'; body: List }
  /** $((...)) — the expression text after expansion is evaluated. */
  | { kind: 'arith'; expr: Word };

export interface Word {
  parts: WordPart[];
  /** The source text, for keywords, names and here-document delimiters. */
  text: string;
}

export interface Assignment {
  name: string;
  value: Word;
}

/** `&>` (stdout and stderr to a file) is ash's bash extension. */
export type RedirOp = '<' | '>' | '>>' | '<>' | '>|' | '<&' | '>&' | '<<' | '<<-' | '&>';

export interface HereDoc {
  /** The delimiter after quote removal. */
  delim: string;
  /** A quoted delimiter turns off expansion in the body. */
  quoted: boolean;
  /** Filled in when the parser reaches the body, after the next newline. */
  body: Word;
}

export interface Redirect {
  /** The explicit descriptor number, or null for the operator's default. */
  fd: number | null;
  op: RedirOp;
  /** The file name, descriptor number or '-' (for here-documents, the delimiter word). */
  target: Word;
  heredoc: HereDoc | null;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  args: Word[];
  redirs: Redirect[];
  /** Line number reported in this command's error messages. */
  line: number;
}

export interface Pipeline {
  type: 'pipeline';
  negate: boolean;
  commands: Command[];
  line: number;
}

export interface AndOr {
  type: 'and' | 'or';
  left: Command;
  right: Command;
}

export interface ListItem {
  command: Command;
  background: boolean;
}

export interface List {
  type: 'list';
  items: ListItem[];
}

export interface Subshell {
  type: 'subshell';
  body: List;
  redirs: Redirect[];
  line: number;
}

export interface Group {
  type: 'group';
  body: List;
  redirs: Redirect[];
  line: number;
}

export interface If {
  type: 'if';
  cond: List;
  then: List;
  /** elif chains are nested Ifs. */
  else: List | If | null;
  redirs: Redirect[];
  line: number;
}

export interface Loop {
  type: 'loop';
  until: boolean;
  cond: List;
  body: List;
  redirs: Redirect[];
  line: number;
}

export interface For {
  type: 'for';
  name: string;
  /** null means "$@" (no `in` clause). */
  words: Word[] | null;
  body: List;
  redirs: Redirect[];
  line: number;
}

export interface CaseItem {
  patterns: Word[];
  body: List | null;
}

export interface Case {
  type: 'case';
  word: Word;
  items: CaseItem[];
  redirs: Redirect[];
  line: number;
}

export interface FunctionDef {
  type: 'function';
  name: string;
  body: Command;
  line: number;
}

export type Command = SimpleCommand | Pipeline | AndOr | List | Subshell | Group | If | Loop | For | Case | FunctionDef;

/** Compound commands carry redirections of their own. */
export type Compound = Subshell | Group | If | Loop | For | Case;
