import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../shared/errors.ts';
import {
  ExpansionError,
  expandWord,
  expandWords,
  variableReferences,
  type Lookup,
} from '../../../shared/dockerfile/index.ts';

const golden = join(import.meta.dirname, '..', '..', 'golden', 'shell');

function lookupOf(env: Record<string, string>): Lookup {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}

/** Rows `input | expected`, split on the last `|`. */
function rows(file: string): { line: number; input: string; expected: string }[] {
  const out: { line: number; input: string; expected: string }[] = [];
  readFileSync(join(golden, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.startsWith('#') || text.trim() === '') return;
      const bar = text.lastIndexOf('|');
      if (bar < 0) throw new Error(`${file}:${i + 1}: no | in ${JSON.stringify(text)}`);
      out.push({ line: i + 1, input: text.slice(0, bar).trim(), expected: text.slice(bar + 1) });
    });
  return out;
}

describe('expandWord against tests/golden/shell/expand.txt', () => {
  const lookup = lookupOf({
    PWD: '/home',
    SHELL: 'bash',
    KOREAN: '한국어',
    NULL: '',
    FOO: 'xxyy',
    FILE: 'archive.tar.gz',
    DIR: '/usr/local/bin',
    URL: 'http://example.com/a/b',
    STAR: 'a*b',
  });
  const table = rows('expand.txt');
  it('has at least 60 rows', () => expect(table.length).toBeGreaterThanOrEqual(60));
  for (const { line, input, expected } of table) {
    const want = expected.trim();
    it(`L${line}: ${input}`, () => {
      if (want === 'error') {
        expect(() => expandWord(input, lookup)).toThrow(ExpansionError);
      } else {
        expect(expandWord(input, lookup).value).toBe(want);
      }
    });
  }
});

describe('expandWords against tests/golden/shell/words.txt', () => {
  const lookup = lookupOf({ hi: 'hi', space: 'abc  def', leading: '  ab c', trailing: 'ab c   ', PORT: '8080' });
  for (const { line, input, expected } of rows('words.txt')) {
    const want = expected.replace(/^ +/, '');
    it(`L${line}: ${input}`, () => {
      if (want === 'error') {
        expect(() => expandWords(input, lookup)).toThrow(ExpansionError);
      } else {
        expect(expandWords(input, lookup).words).toEqual(want === '' ? [] : want.split(','));
      }
    });
  }
});

describe('references', () => {
  const lookup = lookupOf({ FOO: 'xxx', BAR: '' });

  it('lists referenced and unset names in order of first use', () => {
    const r = expandWord('${FOO-aaa} ${BAR-bbb} ${BAZ-ccc} $FOO', lookup);
    expect(r.value).toBe('xxx  ccc xxx');
    expect(r.referenced).toEqual(['FOO', 'BAR', 'BAZ']);
    expect(r.unset).toEqual(['BAZ']);
  });

  it('tells direct substitutions from defaulted ones', () => {
    const r = expandWord('$A ${B:-x} ${C+y} ${D#p} ${E?}', lookupOf({ E: 'e' }));
    expect(r.direct).toEqual(['A', 'D', 'E']);
    expect(r.referenced).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('finds names nested in a default word', () => {
    expect(expandWord('${A:-${B:-$C}}', lookupOf({})).referenced).toEqual(['C', 'B', 'A']);
  });

  it('variableReferences needs no values and does not fail on ${X?}', () => {
    const r = variableReferences('${X?must be set}/${Y:-d}', '\\');
    expect(r.referenced).toEqual(['X', 'Y']);
    expect(r.direct).toEqual(['X']);
  });

  it('variableReferences still reports syntax errors', () => {
    expect(() => variableReferences('${X', '\\')).toThrow(ExpansionError);
  });
});

describe('options', () => {
  it('uses the backtick as escape character when asked', () => {
    const lookup = lookupOf({ A: 'a' });
    expect(expandWord('`$A-$A', lookup, { escapeChar: '`' }).value).toBe('$A-a');
    expect(expandWord('C:\\dir\\$A', lookup, { escapeChar: '`' }).value).toBe('C:\\dir\\a');
    expect(expandWord('"x`"y"', lookup, { escapeChar: '`' }).value).toBe('x"y');
  });

  it('skipQuotes keeps quotes as text (heredoc bodies)', () => {
    const r = expandWord(`echo "$A" '$A'\n`, lookupOf({ A: 'v' }), { skipQuotes: true });
    expect(r.value).toBe(`echo "v" 'v'\n`);
  });

  it('skipUnset leaves unset references as written', () => {
    const r = expandWord('$A ${B} ${C:-x} ${D/a/b}', lookupOf({ A: '1' }), { skipUnset: true });
    expect(r.value).toBe('1 ${B} ${C:-x} ${D/a/b}');
  });

  it('rawQuotes keeps quote characters', () => {
    expect(expandWord(`a"b"'c'`, lookupOf({}), { rawQuotes: true }).value).toBe(`a"b"'c'`);
  });
});

describe('errors', () => {
  it('are ExpansionError, an InvalidArgumentError, naming the word', () => {
    let err: unknown;
    try {
      expandWord('x${A:?A is required}', lookupOf({}));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpansionError);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toBe('failed to process "x${A:?A is required}": A: A is required');
  });

  it('unset vs empty for ? and :?', () => {
    expect(expandWord('${V?}', lookupOf({ V: '' })).value).toBe('');
    expect(() => expandWord('${V:?}', lookupOf({ V: '' }))).toThrow(/V: is not allowed to be empty/);
    expect(() => expandWord('${V?}', lookupOf({}))).toThrow(/V: is not allowed to be unset/);
  });
});
