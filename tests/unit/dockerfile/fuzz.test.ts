// Mutation fuzzing of the Dockerfile front end: 3,000 Dockerfiles derived from the golden
// cases by a seeded PRNG (reproducible: a failure prints its seed and input). Every call
// must either succeed or throw an InvalidArgumentError (DockerfileError, ExpansionError);
// any other exception is a bug. The vitest timeout bounds the whole run against hangs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../shared/errors.ts';
import { dumpDockerfile, expandWord, expandWords, expandedWords, parseDockerfile } from '../../../shared/dockerfile/index.ts';

const golden = join(import.meta.dirname, '..', '..', 'golden');

function corpus(): string[] {
  const out: string[] = [];
  for (const dir of ['dockerfile', 'dockerfile-negative']) {
    const names = readdirSync(join(golden, dir), { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const { name } of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out.push(readFileSync(join(golden, dir, name, 'Dockerfile'), 'utf8'));
    }
  }
  return out;
}

/** mulberry32: small, fast, good enough to drive mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '"', "'", '\\', '`', '\\\n', '`\n', '<<EOF', '<<-EOF', '<<"EOF"', "<<'E'", '\nEOF\n', '\tEOF\n', '[', ']',
  '["a", "b"]', "['a']", '${', '}', '$', '${A:-', '${A#*', '${A/x/', '$1', '\n', '\r\n', '\r', '#', '# escape=`\n',
  '# syntax=x\n', '--', '--from=', '--mount=', '=', ' ', '\t', '\uFEFF', '\u0000', '\u00a0', '한', '😀', 'ONBUILD ',
  'FROM ', 'ARG ', 'ENV ', 'COPY ', 'HEALTHCHECK --interval=', 'AS ', '\\\\', '```', '"""',
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const steps = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < steps; k++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.3) {
      // flip a character to a random code unit
      const code = Math.floor(rnd() * 0x80) + (rnd() < 0.1 ? 0x80 + Math.floor(rnd() * 0x3000) : 0);
      s = s.slice(0, at) + String.fromCharCode(code) + s.slice(at + 1);
    } else if (op < 0.45) {
      s = s.slice(0, at); // truncate
    } else if (op < 0.55) {
      const len = Math.floor(rnd() * 20);
      s = s.slice(0, at) + s.slice(at + len); // delete a run
    } else if (op < 0.65) {
      const from = Math.floor(rnd() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(rnd() * 40)) + s.slice(at); // duplicate a run
    } else {
      s = s.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + s.slice(at);
    }
  }
  return s;
}

describe('fuzz', () => {
  it('3,000 mutated Dockerfiles: success or InvalidArgumentError, nothing else', { timeout: 60_000 }, () => {
    const seeds = corpus();
    const rnd = prng(0x1a7e2b0c);
    const lookup = (name: string): string | undefined => (name.length % 2 === 0 ? `v-${name}` : undefined);
    const failures: string[] = [];
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd);
      try {
        const df = parseDockerfile(input);
        accepted++;
        dumpDockerfile(df);
        for (const stage of df.stages) {
          for (const inst of [stage.from, ...stage.instructions]) {
            for (const { word, body } of expandedWords(inst)) {
              try {
                expandWord(word, lookup, body ? { skipQuotes: true } : { escapeChar: df.escapeChar });
                expandWords(word, lookup, { escapeChar: df.escapeChar });
              } catch (err) {
                if (!(err instanceof InvalidArgumentError)) failures.push(`#${i} expand ${JSON.stringify(word)}: ${String(err)}`);
              }
            }
          }
        }
      } catch (err) {
        rejected++;
        if (!(err instanceof InvalidArgumentError)) {
          failures.push(`#${i} ${String(err)}\n${JSON.stringify(input)}`);
        } else if (err.message.includes('\n')) {
          failures.push(`#${i} multi-line message: ${JSON.stringify(err.message)}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // Both outcomes must occur, or the mutations are not exercising the parser.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
