/**
 * Shell pattern matching (case patterns, ${x%pattern}, pathname expansion):
 * `*`, `?`, bracket expressions with ranges, negation (! or ^) and [:classes:], and
 * backslash to quote the next character. Patterns are compiled to regular expressions
 * over byte strings.
 */

const CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return '\\x' + code.toString(16).padStart(2, '0');
}

/** Parses a bracket expression at `i` (just past '['); null when it is not closed. */
function bracket(p: string, i: number): { re: string; end: number } | null {
  let j = i;
  let negate = false;
  if (p[j] === '!' || p[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  for (;;) {
    if (j >= p.length) return null;
    let c = p[j]!;
    if (c === ']' && !first) break;
    first = false;
    if (c === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      if (close > 0) {
        const cls = CLASSES[p.slice(j + 2, close)];
        if (cls !== undefined) {
          body += cls;
          j = close + 2;
          continue;
        }
      }
    }
    if (c === '\\' && j + 1 < p.length) {
      j++;
      c = p[j]!;
    }
    j++;
    if (p[j] === '-' && p[j + 1] !== undefined && p[j + 1] !== ']') {
      let hi = p[j + 1]!;
      let k = j + 2;
      if (hi === '\\' && k < p.length) {
        hi = p[k]!;
        k++;
      }
      if (hi.charCodeAt(0) >= c.charCodeAt(0)) body += escapeChar(c) + '-' + escapeChar(hi);
      j = k;
      continue;
    }
    body += escapeChar(c);
  }
  if (!body) return { re: negate ? '[\\s\\S]' : '(?!)', end: j + 1 };
  return { re: (negate ? '[^' : '[') + body + ']', end: j + 1 };
}

function toRegexSource(p: string): string {
  let re = '';
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    if (c === '*') {
      re += '[\\s\\S]*';
      i++;
    } else if (c === '?') {
      re += '[\\s\\S]';
      i++;
    } else if (c === '[') {
      const b = bracket(p, i + 1);
      if (b) {
        re += b.re;
        i = b.end;
      } else {
        re += escapeChar('[');
        i++;
      }
    } else if (c === '\\' && i + 1 < p.length) {
      re += escapeChar(p[i + 1]!);
      i += 2;
    } else {
      re += escapeChar(c);
      i++;
    }
  }
  return re;
}

const cache = new Map<string, RegExp>();

/** A regular expression matching the whole of a string against the pattern. */
export function compilePattern(p: string): RegExp {
  let re = cache.get(p);
  if (!re) {
    re = new RegExp('^(?:' + toRegexSource(p) + ')$');
    if (cache.size > 500) cache.clear();
    cache.set(p, re);
  }
  return re;
}

export function matchPattern(p: string, s: string): boolean {
  return compilePattern(p).test(s);
}

/** Whether the pattern has an unquoted *, ? or bracket expression. */
export function hasGlob(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && bracket(p, i + 1)) return true;
  }
  return false;
}

/** The pattern's literal text: backslashes removed. */
export function unescapePattern(p: string): string {
  return p.replace(/\\([\s\S])/g, '$1');
}

/** Quotes every pattern character of a literal string. */
export function escapePattern(s: string): string {
  return s.replace(/[\\*?[\]]/g, '\\$&');
}

/** ${x#p} / ${x##p}: the string with the shortest/longest matching prefix removed. */
export function removePrefix(s: string, p: string, longest: boolean): string {
  const re = compilePattern(p);
  if (longest) {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(0, i))) return s.slice(i);
  } else {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(0, i))) return s.slice(i);
  }
  return s;
}

/** ${x%p} / ${x%%p}: the string with the shortest/longest matching suffix removed. */
export function removeSuffix(s: string, p: string, longest: boolean): string {
  const re = compilePattern(p);
  if (longest) {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(i))) return s.slice(0, i);
  } else {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(i))) return s.slice(0, i);
  }
  return s;
}
