import { describe, expect, it } from 'vitest';
import { commandKey, runsProgramHere } from '../../../backend/cli/command-words.ts';

describe('command words', () => {
  it('finds the command past global flags and groups', () => {
    expect(commandKey(['--root', '/x', 'run', '--rm', 'box'])).toBe('run');
    expect(commandKey(['container', 'run', 'box'])).toBe('container-run');
    expect(commandKey(['image', 'ls'])).toBe('image-ls');
    expect(commandKey([])).toBe('');
    expect(commandKey(['Bad!'])).toBe('other');
  });

  it('tells which commands run a program in the calling process', () => {
    const here = (s: string) => runsProgramHere(s.split(' ').filter(Boolean));
    expect(here('run --rm box true')).toBe(true);
    expect(here('--root /r container run -it box sh')).toBe(true);
    expect(here('run -e d=1 --name d box true')).toBe(true);
    // Detached: a monitor process runs it.
    expect(here('run -d box sleep 9')).toBe(false);
    expect(here('run -dit box sh')).toBe(false);
    expect(here('run --detach box sh')).toBe(false);
    expect(here('run --detach=false box sh')).toBe(true);
    // Flags of the container's own command are not run's.
    expect(here('run --rm box ls -d /')).toBe(true);
    expect(here('start -a c')).toBe(true);
    expect(here('start -ai c')).toBe(true);
    expect(here('start c')).toBe(false);
    expect(here('exec c true')).toBe(false);
    expect(here('images')).toBe(false);
  });
});
