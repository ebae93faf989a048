/**
 * Running commands as their text arrives: from a pipe (`sh` reading stdin) or from a
 * terminal one line at a time. Complete command lines run as soon as they are
 * complete; a construct still open (if without fi, an unterminated quote, a
 * here-document without its delimiter) waits for more input. The shell's state is
 * kept between calls.
 */
import type { Shell } from './interp.ts';
import { Parser, ShellSyntaxError } from './parser.ts';

export class LineFeeder {
  private buffer = '';
  /** Line number of the first line in the buffer. */
  private line: number;

  constructor(
    private readonly sh: Shell,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  /** Whether text is waiting for the rest of a command (for a PS2 prompt). */
  get pending(): boolean {
    return this.buffer.length > 0;
  }

  /**
   * Adds text and runs every command it completes. With `eof` the input has ended
   * and whatever remains must parse. Returns the shell's status. Control flow
   * (exit, errors) propagates as from Shell.evalString.
   */
  async feed(text: string, eof = false): Promise<number> {
    this.buffer += text;
    for (;;) {
      // Without eof only whole lines can be parsed: the last one may still grow.
      const cut = eof ? this.buffer.length : this.buffer.lastIndexOf('\n') + 1;
      if (cut === 0) break;
      const chunk = this.buffer.slice(0, cut);
      const parser = new Parser(chunk, this.line);
      parser.streaming = !eof;
      let list;
      try {
        list = parser.next();
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete && !eof) break;
        if (e instanceof ShellSyntaxError) {
          this.buffer = '';
          this.sh.lineno = e.line;
          this.sh.fatal(`syntax error: ${e.detail}`);
        }
        throw e;
      }
      if (list === null) {
        this.buffer = this.buffer.slice(cut);
        break;
      }
      const used = parser.offset;
      this.sh.parseLine = parser.lineAt(used);
      this.line += countNewlines(chunk.slice(0, used));
      this.buffer = this.buffer.slice(used);
      if (list.items.length && !this.sh.options.noexec) this.sh.status = await this.sh.evalList(list, false);
      if (!this.buffer) break;
    }
    return this.sh.status;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
