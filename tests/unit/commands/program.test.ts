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

  it('answers tutorial verbs that need running containers with a clear message', async () => {
    const t = io();
    expect(await runCli(['run', '--rm', '-it', 'box', 'sh', '-c', 'echo hi'], t, program)).toBe(1);
    expect(t.err).toMatch(/^Error: 'layerbox run' is not available yet: .* does not run programs/);
    expect(t.err.trim().split('\n')).toHaveLength(1);
  });
});
