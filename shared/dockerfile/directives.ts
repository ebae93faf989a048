/**
 * Parser directives: `# escape=\``, `# syntax=...`, `# check=...` at the very top of a
 * Dockerfile (BuildKit parser/directives.go). They must come before any instruction,
 * comment or blank line; the first line that is not a known directive ends them, and each
 * may appear once.
 */

export interface Directive {
  /** Lower case: `escape`, `syntax` or `check`. */
  name: string;
  value: string;
  line: number;
}

const KNOWN = new Set(['syntax', 'escape', 'check']);
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/** Feeds lines one at a time, from the first; stops recognising once `done`. */
export class DirectiveScanner {
  private done = false;
  private readonly seen = new Set<string>();

  /**
   * Returns the directive on `line` (already stripped of leading whitespace), or
   * undefined. Throws a plain Error with the reason for a repeated directive.
   */
  scan(line: string, lineNo: number): Directive | undefined {
    if (this.done) return undefined;
    if (!line.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    const m = DIRECTIVE.exec(line.slice(1).replace(/^\s+/, ''));
    const name = m?.[1]?.toLowerCase();
    if (!m || name === undefined || !KNOWN.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new Error(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    return { name, value: m[2]!, line: lineNo };
  }
}
