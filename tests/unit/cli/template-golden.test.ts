import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MissingKey } from '../../../shared/cli/template-exec.ts';
import { renderTemplate } from '../../../shared/cli/template.ts';

// Rows of tests/golden/template/cases.txt: template ¦ data ¦ expected, where every
// expected value was printed by Go's text/template (tests/golden/template/verify.go).
const SEP = ' ¦ ';
const text = readFileSync(new URL('../../golden/template/cases.txt', import.meta.url), 'utf8');

function field(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

interface Row {
  line: number;
  template: string;
  data: unknown;
  want: string;
  missingKey: MissingKey;
}

const rows: Row[] = [];
let missingKey: MissingKey = 'default';
text.split('\n').forEach((raw, i) => {
  if (raw.startsWith('#! missingkey=')) {
    missingKey = raw.slice('#! missingkey='.length) as MissingKey;
    return;
  }
  if (raw.trim() === '' || raw.startsWith('#')) return;
  const parts = raw.split(SEP);
  if (parts.length !== 3) throw new Error(`cases.txt:${i + 1}: want 3 fields`);
  rows.push({ line: i + 1, template: field(parts[0]!), data: JSON.parse(parts[1]!), want: field(parts[2]!), missingKey });
});

describe('template golden cases (checked against Go)', () => {
  it('has the cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
  });

  it.each(rows)('cases.txt:$line $template', (row) => {
    let got: string;
    try {
      got = renderTemplate(row.template, row.data, { missingKey: row.missingKey });
    } catch (e) {
      got = 'error: ' + (e as Error).message;
    }
    expect(got).toBe(row.want);
  });
});
