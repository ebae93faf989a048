import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCommandTable, runCli } from '../../../shared/cli/command.ts';
import { flagUsages } from '../../../shared/cli/help.ts';
import { dockerProgram } from './docker-program.ts';
import { memoryIO } from './memory-io.ts';

// Golden files are the real docker 20.10 client's output
// (tests/golden/cli-help/capture-docker.sh).
const golden = (name: string): string => readFileSync(new URL(`../../golden/cli-help/${name}`, import.meta.url), 'utf8');

describe('help layout matches docker 20.10', () => {
  const cases: [string, string[]][] = [
    ['root.txt', ['--help']],
    ['image.txt', ['image', '--help']],
    ['image-ls.txt', ['image', 'ls', '--help']],
    ['images.txt', ['images', '--help']],
    ['container-ls.txt', ['container', 'ls', '--help']],
    ['ps.txt', ['ps', '--help']],
    ['rmi.txt', ['rmi', '--help']],
    ['exec.txt', ['exec', '--help']],
    ['volume.txt', ['volume', '--help']],
    ['inspect.txt', ['inspect', '--help']],
    ['tag.txt', ['tag', '--help']],
  ];
  it.each(cases)('%s', async (file, argv) => {
    const io = memoryIO();
    const code = await runCli(argv, io, dockerProgram());
    expect(io.err).toBe('');
    expect(io.out).toBe(golden(file));
    expect(code).toBe(0);
  });

  it('accepts -h, `help CMD` and a --help given before the command', async () => {
    for (const argv of [['image', 'ls', '-h'], ['help', 'image', 'ls'], ['--help', 'image', 'ls'], ['image', '--help', 'ls']]) {
      const io = memoryIO();
      expect(await runCli(argv, io, dockerProgram())).toBe(0);
      expect(io.out).toBe(golden('image-ls.txt'));
    }
  });

  it('the command table used here is well formed', () => {
    expect(() => checkCommandTable(dockerProgram())).not.toThrow();
  });
});

describe('error output matches docker 20.10', () => {
  const cases: [string, string[]][] = [
    ['err-root-bogus-flag.txt', ['--bogus']],
    ['err-image-bogus-flag.txt', ['image', '--bogus', 'ls']],
    ['err-image-bogus.txt', ['image', 'bogus']],
    ['err-image-noargs.txt', ['image']],
  ];
  it.each(cases)('%s', async (file, argv) => {
    const io = memoryIO();
    // cobra adds docker's `completion` command only once it executes a command, so the
    // usage printed for a global flag error does not list it.
    const program = dockerProgram();
    const withoutCompletion = { ...program, subcommands: program.subcommands!.filter((c) => c.name !== 'completion') };
    const code = await runCli(argv, io, withoutCompletion);
    expect(io.err + `exit ${code}\n`).toBe(golden(file));
    expect(io.out).toBe('');
  });
});

describe('flag usage wrapping', () => {
  it('wraps long help under its column, as pflag does for a narrow terminal', () => {
    const text = flagUsages(
      [
        { name: 'user', shorthand: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
        { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
      ],
      59,
    );
    expect(text).toBe(
      [
        '      --detach-keys string   Override the key',
        '                             sequence for detaching a',
        '                             container',
        '  -u, --user string          Username or UID (format:',
        '                             <name|uid>[:<group|gid>])',
        '',
      ].join('\n'),
    );
  });

  it('puts help on its own block when the column is too narrow', () => {
    const text = flagUsages([{ name: 'a-very-long-flag-name-indeed', type: 'string', help: 'Something to say about it here' }], 50);
    expect(text).toBe('      --a-very-long-flag-name-indeed string   \n                Something to say about it here\n');
  });

  it('shows defaults like pflag: quoted strings, numbers, durations, maps', () => {
    const text = flagUsages(
      [
        { name: 'a', type: 'string', default: 'x', help: 'A' },
        { name: 'b', type: 'int', default: -1, help: 'B' },
        { name: 'c', type: 'bool', default: true, help: 'C' },
        { name: 'd', type: 'duration', default: 90_000, help: 'D' },
        { name: 'e', type: 'map', help: 'E' },
        { name: 'f', type: 'list', help: 'F `value` here' },
        { name: 'g', type: 'bool', help: 'G', hidden: true },
      ],
      0,
    );
    expect(text.split('\n')).toEqual([
      '      --a string     A (default "x")',
      '      --b int        B (default -1)',
      '      --c            C (default true)',
      '      --d duration   D (default 1m30s)',
      '      --e map        E (default map[])',
      '      --f value      F value here',
      '',
    ]);
  });
});
