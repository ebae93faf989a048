import { describe, expect, it } from 'vitest';
import { runCli } from '../../../shared/cli/command.ts';
import { checkCommandTable } from '../../../shared/cli/command.ts';
import { program } from '../../../shared/commands/program.ts';
import type { LayerboxIO } from '../../../shared/commands/io.ts';

function io(): LayerboxIO & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout(c: string | Uint8Array) {
      o.out += typeof c === 'string' ? c : new TextDecoder().decode(c);
    },
    stderr(c: string | Uint8Array) {
      o.err += typeof c === 'string' ? c : new TextDecoder().decode(c);
    },
    isTTY: false,
    env: {},
    stdin: () => (async function* () {})(),
    stdinIsTTY: false,
    storeLocation: () => 'memory',
    engine: () => Promise.reject(new Error('no engine in this test')),
    files: undefined as unknown as LayerboxIO['files'],
  };
  return o;
}

describe('the layerbox command table', () => {
  it('is well formed (unique names, flags and shorthands)', () => {
    expect(() => checkCommandTable(program)).not.toThrow();
  });

  it('lists the image, container, volume and system commands in its help', async () => {
    const t = io();
    expect(await runCli(['--help'], t, program)).toBe(0);
    for (const c of ['build', 'images', 'history', 'commit', 'cp', 'diff', 'save', 'load', 'volume', 'system']) expect(t.out).toMatch(new RegExp(`\\n  ${c}\\s`));
  });

  it('a host that cannot run programs says so in one line', async () => {
    const t = io();
    expect(await runCli(['start', 'c1'], t, program)).toBe(1);
    expect(t.err).toMatch(/^Error: this layerbox host cannot run containers/);
    const r = io();
    // run reports like docker run: exit 125, the error and a pointer to help.
    expect(await runCli(['run', '--rm', '-it', 'box', 'sh', '-c', 'echo hi'], r, program)).toBe(125);
    expect(r.err).toMatch(/^layerbox: this layerbox host cannot run containers/);
  });
});
