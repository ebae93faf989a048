/** Quoting as ash prints words back (set -x, set, export -p, trap). */

/** Characters ash leaves unquoted in set -x output. */
const SAFE = /^[+,\-./0-9:@A-Z\]^_a-z]*$/;

const KEYWORD_WORDS = ['!', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while', '{', '}'];

/** ash's maybe_single_quote, plus quoting of words that would read as keywords. */
export function traceQuote(s: string, keywordsToo = false): string {
  if (keywordsToo && KEYWORD_WORDS.includes(s)) return singleQuote(s);
  return SAFE.test(s) ? s : singleQuote(s);
}

/** ash's single_quote: 'abc'"'"'def' */
export function singleQuote(s: string): string {
  return s
    .split(/('+)/)
    .filter((x) => x !== '')
    .map((x) => (x.startsWith("'") ? `"${x}"` : `'${x}'`))
    .join('') || "''";
}
