// Golden tests for the Dockerfile front end. Each case folder holds a Dockerfile and the
// expected dump (tests/golden/dockerfile) or the expected one-line error
// (tests/golden/dockerfile-negative). Run with UPDATE_GOLDEN=1 to rewrite the expected
// files, then review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../shared/errors.ts';
import { DockerfileError, dumpDockerfile, parseDockerfile } from '../../../shared/dockerfile/index.ts';

const root = join(import.meta.dirname, '..', '..', 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

function cases(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function check(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`missing ${file}; run with UPDATE_GOLDEN=1 to create it`);
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('golden: Dockerfile → instructions', () => {
  const names = cases('dockerfile');
  it('has at least 30 cases', () => expect(names.length).toBeGreaterThanOrEqual(30));
  for (const name of names) {
    it(name, () => {
      const dir = join(root, 'dockerfile', name);
      const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      check(join(dir, 'expected.txt'), dumpDockerfile(parseDockerfile(text)));
    });
  }
});

describe('golden: Dockerfile → error', () => {
  const names = cases('dockerfile-negative');
  it('has at least 15 cases', () => expect(names.length).toBeGreaterThanOrEqual(15));
  for (const name of names) {
    it(name, () => {
      const dir = join(root, 'dockerfile-negative', name);
      const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      let error: unknown;
      try {
        parseDockerfile(text);
      } catch (err) {
        error = err;
      }
      expect(error, 'the Dockerfile must be rejected').toBeInstanceOf(DockerfileError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      const message = (error as DockerfileError).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^Dockerfile:\d+: /);
      check(join(dir, 'expected-error.txt'), message + '\n');
    });
  }
});
