import { runeCount } from './gofmt.ts';

/**
 * Go's text/tabwriter, which docker's tables go through: tab-terminated cells are
 * aligned into columns, a column being a run of adjacent lines that have a cell at that
 * position. A line without tabs ends every column above it. Written here because the
 * column rules (per-block widths, the last cell of a line not being a column) decide
 * the exact spacing users compare with docker's; cell width counts code points, as Go
 * counts runes.
 */

export interface TabWriterOptions {
  /** Minimal cell width including padding. */
  minWidth: number;
  /** Width of a tab when padding with tabs (padChar '\t'). */
  tabWidth: number;
  /** Added to the widest cell of a column. */
  padding: number;
  padChar: string;
  alignRight?: boolean;
  discardEmptyColumns?: boolean;
}

/** docker's formatter: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE: Readonly<TabWriterOptions> = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };

interface Cell {
  text: string;
  width: number;
  htab: boolean; // terminated by '\t' (not '\v')
}

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private out = '';

  constructor(private readonly opts: Readonly<TabWriterOptions> = DOCKER_TABLE) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A line of one cell does not take part in any column: everything so far
        // can be laid out now.
        if (ch === '\f' || ncells === 1) this.flushLines();
      }
    }
    this.cell += text.slice(start);
  }

  /** Lay out what is buffered and return all output so far. */
  flush(): string {
    if (this.cell !== '') this.terminateCell(false);
    this.flushLines();
    const out = this.out;
    this.out = '';
    return out;
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: runeCount(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  private flushLines(): void {
    this.format(0, this.lines.length);
    this.lines = [[]];
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.lines[row]!.length - 1) continue;
      // A cell in this column: print the lines before it, then size the block.
      this.writeLines(line0, row);
      line0 = row;
      let width = this.opts.minWidth;
      let discardable = true;
      for (; row < line1; row++) {
        const line = this.lines[row]!;
        if (column >= line.length - 1) break;
        const c = line[column]!;
        width = Math.max(width, c.width + this.opts.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.opts.discardEmptyColumns) width = 0;
      this.widths.push(width);
      this.format(line0, row);
      this.widths.pop();
      line0 = row; // the line that ended the block has no cell here: skipping it is safe
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        const w = j < this.widths.length ? this.widths[j]! : undefined;
        if (c.width === 0 && c.text === '') {
          if (w !== undefined) this.out += this.padding(0, w);
        } else if (this.opts.alignRight) {
          if (w !== undefined) this.out += this.padding(c.width, w);
          this.out += c.text;
        } else {
          this.out += c.text;
          if (w !== undefined) this.out += this.padding(c.width, w);
        }
      });
      // The last buffered line has no newline yet.
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }

  private padding(textWidth: number, cellWidth: number): string {
    if (this.opts.padChar === '\t') {
      if (this.opts.tabWidth === 0) return '';
      const cw = Math.ceil(cellWidth / this.opts.tabWidth) * this.opts.tabWidth;
      const n = cw - textWidth;
      return '\t'.repeat(Math.ceil(n / this.opts.tabWidth));
    }
    return this.opts.padChar.repeat(Math.max(cellWidth - textWidth, 0));
  }
}

/** Align `text` as docker's tables are aligned (or with other tabwriter options). */
export function tabulate(text: string, opts: Readonly<TabWriterOptions> = DOCKER_TABLE): string {
  const w = new TabWriter(opts);
  w.write(text);
  return w.flush();
}
