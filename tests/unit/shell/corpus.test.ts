/**
 * The oracle test: every script in tests/golden/sh-corpus runs under busybox `sh` and
 * under layerbox's shell (Node host, real busybox applets, real pipes), in both pipe
 * modes; stdout, stderr and exit status must be identical. A script may come with
 * NAME.stdin, given to both shells as standard input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Oracle, type RunResult } from './oracle.ts';

const CORPUS = join(import.meta.dirname, '../../golden/sh-corpus');
const scripts = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.sh'))
  .sort();

let oracle: Oracle;
const expected = new Map<string, RunResult>();

beforeAll(() => {
  oracle = new Oracle(fs.mkdtempSync('/tmp/lbsh-'));
});
afterAll(() => oracle?.dispose());

async function check(name: string, mode: 'concurrent' | 'sequential'): Promise<void> {
  const script = fs.readFileSync(join(CORPUS, name), 'latin1');
  const stdinPath = join(CORPUS, name.replace(/\.sh$/, '.stdin'));
  const stdin = fs.existsSync(stdinPath) ? stdinPath : null;
  let want = expected.get(name);
  if (!want) {
    want = await oracle.busybox(script, stdin);
    expected.set(name, want);
  }
  const got = await oracle.layerbox(script, stdin, mode);
  expect(got).toEqual(want);
}

describe('sh corpus against busybox sh', () => {
  it('has at least 150 scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(150);
  });
  for (const mode of ['concurrent', 'sequential'] as const) {
    describe(mode, () => {
      for (const name of scripts) it(name, () => check(name, mode), 60_000);
    });
  }
});
