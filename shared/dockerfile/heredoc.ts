import { ExpansionError, expandWords } from './shell.ts';

/**
 * Heredocs (`RUN <<EOF`, `COPY <<-"FILE" /dst`), as BuildKit's parser finds them: a word
 * of the instruction line of the form `[n]<<[-]WORD`. `-` strips leading tabs from the body
 * lines (and lets the terminator be indented by tabs); any quoting in WORD turns off
 * variable expansion of the body. Heredoc words are always read with `\` as the escape,
 * whatever the `# escape=` directive says.
 */
export interface Heredoc {
  /** The terminator, quotes removed: `EOF` for `<<"EOF"`. */
  name: string;
  /** The file descriptor written before `<<` (`3<<EOF`), 0 when absent. */
  fd: number;
  /** False when any part of the word was quoted (`<<'EOF'`, `<<E"OF"`). */
  expand: boolean;
  /** `<<-`: leading tabs of each body line are to be removed (see chompHeredoc). */
  chomp: boolean;
  /** The body lines exactly as written, each with its newline, terminator excluded. */
  content: string;
}

const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const none = (): undefined => undefined;

/**
 * Parses one word as a heredoc opener; undefined when it is not one.
 * @throws ExpansionError when the word has an unterminated quote.
 */
export function parseHeredocWord(word: string): Omit<Heredoc, 'content'> | undefined {
  const m = HEREDOC_WORD.exec(word);
  if (!m) return undefined;
  const rest = m[3]!;
  if (rest === '') return undefined;
  // Lex the word with and without keeping quotes: if the quote counts differ, part of
  // the word was quoted and the body must not be expanded.
  const plain = expandWords(rest, none, { skipUnset: true }).words;
  if (plain.length !== 1) return undefined;
  const raw = expandWords(rest, none, { skipUnset: true, rawQuotes: true }).words;
  if (raw.length !== plain.length) {
    throw new ExpansionError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  const name = plain[0]!;
  const expand = countQuotes(name) === countQuotes(raw[0]!);
  return { name, fd: m[1] === '' ? 0 : Number.parseInt(m[1]!, 10), expand, chomp: m[2] === '-' };
}

/** The heredoc openers on an instruction line, in order (bodies follow in that order). */
export function heredocsFromLine(line: string): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = expandWords(line, none, { rawQuotes: true, rawEscapes: true, skipUnset: true }).words;
  } catch (err) {
    if (err instanceof ExpansionError) return [];
    throw err;
  }
  const docs: Omit<Heredoc, 'content'>[] = [];
  for (const word of words) {
    const doc = parseHeredocWord(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** Removes the leading tabs of every line (`<<-`). */
export function chompHeredoc(content: string): string {
  return content
    .split('\n')
    .map((l) => l.replace(/^\t+/, ''))
    .join('\n');
}

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '"' || ch === "'") n++;
  return n;
}
