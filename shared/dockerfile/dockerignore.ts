import { InvalidArgumentError } from '../errors.ts';

/**
 * `.dockerignore` with Docker's semantics: moby/patternmatcher (the matcher),
 * ignorefile.ReadAll (reading the file) and tonistiigi/fsutil's walker (when an excluded
 * directory must still be walked).
 *
 * Written here rather than taken from npm: @balena/dockerignore, the maintained-looking
 * candidate, follows moby 19.03, imports Node's `path` (the core must run in browsers),
 * matches case-insensitively by default, and cannot say whether an excluded directory may
 * hold re-included files.
 *
 * Patterns: `*` any run of non-`/` characters, `?` one non-`/` character, `[a-z]` and
 * `[^a-z]` classes, `**` any number of directories (including none), `\` escapes the next
 * character. A pattern matches a path or any of its parent directories, so `docs`
 * excludes `docs/a.md`. Later patterns win; `!pattern` re-includes. Lines starting with `#`
 * are comments; blanks around a pattern, a leading `/` and `.`/`..` elements are cleaned
 * away.
 */
export interface Dockerignore {
  /** The cleaned patterns, in order; `!` patterns have `exclusion: true`. */
  readonly patterns: readonly IgnorePattern[];
  /**
   * Whether `path` (relative to the context root, `/`-separated) is left out of the build
   * context. The root itself (`.` or "") is never excluded.
   */
  excludes(path: string): boolean;
  /**
   * For a directory that `excludes` leaves out: whether a `!` pattern may still re-include
   * something inside it, so a walk must descend into it instead of skipping it whole.
   */
  mayReinclude(dir: string): boolean;
}

export interface IgnorePattern {
  /** The cleaned pattern without its `!`. */
  pattern: string;
  /** A `!` pattern: re-includes what it matches. */
  exclusion: boolean;
}

/**
 * Reads a .dockerignore file into patterns, as Docker's ignorefile.ReadAll does: strips a
 * BOM, skips lines that start with `#` and blank lines, trims, cleans each path and drops
 * a leading `/` (keeping the `!` prefix).
 */
export function parseDockerignore(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    let pattern = trimSpace(line);
    if (pattern === '') continue;
    const invert = pattern[0] === '!';
    if (invert) pattern = trimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  }
  return out;
}

/**
 * Builds a matcher from .dockerignore text, or from patterns already read.
 * @throws InvalidArgumentError for a malformed pattern (`[` without `]`, a lone `!`, a
 *   trailing `\`), naming it.
 */
export function createDockerignore(source: string | readonly string[]): Dockerignore {
  const lines = typeof source === 'string' ? parseDockerignore(source) : source;
  const compiled: Compiled[] = [];
  for (const raw of lines) {
    let p = trimSpace(raw);
    if (p === '') continue;
    p = cleanPath(p);
    let exclusion = false;
    if (p[0] === '!') {
      if (p.length === 1) throw new InvalidArgumentError('.dockerignore: illegal exclusion pattern: "!"');
      exclusion = true;
      p = p.slice(1);
    }
    compiled.push(compile(p, exclusion));
  }
  const patterns: IgnorePattern[] = compiled.map((c) => ({ pattern: c.pattern, exclusion: c.exclusion }));
  const anyExclusion = compiled.some((c) => c.exclusion);
  // As fsutil: with only plain-prefix `!` patterns we can tell which directories to skip.
  const prefixOnly = compiled.every((c) => !c.exclusion || !/[*[\]?^\\]/.test(withoutTrailingGlob(c.pattern)));

  return {
    patterns,
    excludes(path: string): boolean {
      const file = cleanPath(path.replace(/^\/+/, ''));
      if (file === '.' || file === '/') return false;
      const slash = file.lastIndexOf('/');
      const parents = slash < 0 ? [] : file.slice(0, slash).split('/');
      let matched = false;
      for (const pat of compiled) {
        // An inclusion cannot change an already-matched path, nor an exclusion an unmatched one.
        if (pat.exclusion !== matched) continue;
        let match = pat.match(file);
        for (let i = 0; !match && i < parents.length; i++) match = pat.match(parents.slice(0, i + 1).join('/'));
        if (match) matched = !pat.exclusion;
      }
      return matched;
    },
    mayReinclude(dir: string): boolean {
      if (!anyExclusion) return false;
      if (!prefixOnly) return true;
      const dirSlash = cleanPath(dir.replace(/^\/+/, '')) + '/';
      return compiled.some((c) => c.exclusion && (withoutTrailingGlob(c.pattern) + '/').startsWith(dirSlash));
    },
  };
}

interface Compiled extends IgnorePattern {
  match(path: string): boolean;
}

function withoutTrailingGlob(p: string): string {
  if (p.endsWith('/**')) p = p.slice(0, -3);
  if (p.endsWith('/*')) p = p.slice(0, -2);
  return p;
}

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const ESCAPED = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** Compiles one cleaned pattern the way patternmatcher's Pattern.compile does. */
function compile(pattern: string, exclusion: boolean): Compiled {
  type Kind = 'exact' | 'prefix' | 'suffix' | 'regexp';
  let kind: Kind = 'exact';
  let re = '^';
  const chars = Array.from(pattern);
  for (let i = 0, n = 0; i < chars.length; i++, n++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++; // treat **/ as **
        if (i + 1 >= chars.length) {
          // `**` at the end matches everything below, as in .gitignore
          if (kind === 'exact') kind = 'prefix';
          else {
            re += '.*';
            kind = 'regexp';
          }
        } else {
          re += '(.*/)?';
          kind = 'regexp';
        }
        if (n === 0) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (ESCAPED.has(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      const nx = chars[i + 1];
      if (nx !== undefined) {
        i++;
        re += escapeLiteral(nx);
        kind = 'regexp';
      } else {
        throw new InvalidArgumentError(`.dockerignore: syntax error in pattern ${JSON.stringify(pattern)}: trailing backslash`);
      }
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = 'regexp';
    } else {
      re += ch === '/' ? '\\/' : ch;
    }
  }
  validateClasses(pattern);

  let match: (path: string) => boolean;
  switch (kind) {
    case 'exact':
      match = (p) => p === pattern;
      break;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      match = (p) => p.startsWith(prefix);
      break;
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      match = (p) => p.endsWith(suffix) || (suffix[0] === '/' && p === suffix.slice(1));
      break;
    }
    case 'regexp': {
      let regexp: RegExp;
      try {
        regexp = new RegExp(re + '$', 'u');
      } catch (err) {
        throw new InvalidArgumentError(`.dockerignore: syntax error in pattern ${JSON.stringify(pattern)}`, { cause: err });
      }
      match = (p) => regexp.test(p);
      break;
    }
  }
  return { pattern, exclusion, match };
}

/** `\x`: a regular-expression escape where Go's and JavaScript's agree, else the literal. */
function escapeLiteral(ch: string): string {
  if (SYNTAX.has(ch)) return '\\' + ch;
  if (/^[A-Za-z0-9]$/.test(ch)) return '\\' + ch; // \d, \w, \b... mean the same in both
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

/** filepath.Match rejects an unclosed `[`; the regular expression alone might not. */
function validateClasses(pattern: string): void {
  let open = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\') {
      i++;
      continue;
    }
    if (!open && ch === '[') {
      open = true;
      if (chars[i + 1] === '^') i++;
      if (chars[i + 1] === ']') i++; // a leading ] is a literal member, as in filepath.Match
    } else if (open && ch === ']') {
      open = false;
    }
  }
  if (open) throw new InvalidArgumentError(`.dockerignore: syntax error in pattern ${JSON.stringify(pattern)}: unclosed [`);
}

/** Go's strings.TrimSpace. */
function trimSpace(s: string): string {
  return s.replace(/^\p{White_Space}+/u, '').replace(/\p{White_Space}+$/u, '');
}

/** Go's path.Clean: drops `.` and empty elements, resolves `..`, no trailing `/`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  if (rooted) return '/' + s;
  return s === '' ? '.' : s;
}
