import { describe, expect, it } from 'vitest';
import { DOCKER_TABLE, TabWriter, tabulate } from '../../../shared/cli/table.ts';

// [input, output] of Go 1.19's text/tabwriter with docker's settings
// (minwidth 10, tabwidth 1, padding 3, padchar ' ', no flags), printed by Go.
const GO_CASES: [string, string][] = [
  ["a\tb\tc\nlonger cell\tx\ty\n", "a             b         c\nlonger cell   x         y\n"],
  ["a\tb\nno tabs here\nccc\td\n", "a         b\nno tabs here\nccc       d\n"],
  ["h1\th2\th3\nr1\tr2\nr3\tr4\tr5\n", "h1        h2        h3\nr1        r2\nr3        r4        r5\n"],
  ["\tempty first\nx\t\n", "          empty first\nx         \n"],
  ["a\tb\tc\n", "a         b         c\n"],
  ["trailing\tcell", "trailing   cell"],
  ["wide 日本語\tx\nascii\ty\n", "wide 日本語   x\nascii      y\n"],
  ["a\t\t\tb\nxx\tyy\t\tzz\n", "a                             b\nxx        yy                  zz\n"],
];

describe('tabwriter', () => {
  it.each(GO_CASES)('%j', (input, output) => {
    expect(tabulate(input)).toBe(output);
  });

  it('gives the same result when text arrives in pieces', () => {
    for (const [input, output] of GO_CASES) {
      const w = new TabWriter(DOCKER_TABLE);
      for (const ch of input) w.write(ch);
      expect(w.flush()).toBe(output);
    }
  });

  it('aligns right with another pad character (Go: minwidth 0, tabwidth 4, padding 2, ".", AlignRight)', () => {
    expect(tabulate('a\tbbb\tc\naaaa\tb\tc\n', { minWidth: 0, tabWidth: 4, padding: 2, padChar: '.', alignRight: true })).toBe(".....a..bbbc\n..aaaa....bc\n");
  });
});
