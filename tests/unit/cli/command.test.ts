import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/errors.ts';
import { type CommandSpec, type ProgramSpec, StatusError, checkCommandTable, runCli, shortcut } from '../../../shared/cli/command.ts';
import { FlagDefinitionError } from '../../../shared/cli/args.ts';
import { formatRows } from '../../../shared/cli/format.ts';
import { memoryIO } from './memory-io.ts';

function program(run: CommandSpec['run'], extra: Partial<CommandSpec> = {}): ProgramSpec {
  const ls: CommandSpec = { name: 'ls', aliases: ['list'], short: 'List images', usage: '[OPTIONS]', args: { max: 0 }, run, ...extra };
  const runCmd: CommandSpec = {
    name: 'run',
    short: 'Run a command in a new container',
    usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    args: { min: 1 },
    interspersed: false,
    errorStyle: 'run',
    run,
  };
  return {
    name: 'layerbox',
    short: "Docker's model, made tangible",
    version: '0.1.0',
    flags: [
      { name: 'root', type: 'string', default: '/var/lib/layerbox', help: 'Where images and containers are kept' },
      { name: 'debug', shorthand: 'D', type: 'bool', help: 'Enable debug mode' },
      { name: 'version', shorthand: 'v', type: 'bool', help: 'Print version information and quit' },
    ],
    subcommands: [
      { name: 'image', short: 'Manage images', subcommands: [ls] },
      { name: 'container', short: 'Manage containers', subcommands: [runCmd] },
      shortcut(ls, 'images'),
      shortcut(runCmd),
      { name: 'todo', short: 'Not there yet' },
    ],
  };
}

async function cli(argv: string[], p: ProgramSpec, columns?: number): Promise<{ out: string; err: string; code: number }> {
  const io = memoryIO({ columns });
  const code = await runCli(argv, io, p);
  return { out: io.out, err: io.err, code };
}

describe('runCli', () => {
  it('passes global flags, flags and args to the command, and returns its status', async () => {
    let seen: unknown;
    const p = program(async (ctx) => {
      seen = { root: ctx.globals.string('root'), path: ctx.path, args: ctx.args };
      return 3;
    });
    expect((await cli(['--root', '/tmp/x', 'images'], p)).code).toBe(3);
    expect(seen).toEqual({ root: '/tmp/x', path: 'layerbox images', args: [] });
    expect((await cli(['image', 'list'], p)).code).toBe(3);
    expect(seen).toEqual({ root: '/var/lib/layerbox', path: 'layerbox image ls', args: [] });
  });

  it('treats a run without a status as success', async () => {
    expect((await cli(['images'], program(() => undefined))).code).toBe(0);
  });

  it('prints the version', async () => {
    const r = await cli(['--version'], program(() => 0));
    expect(r).toEqual({ out: 'layerbox version 0.1.0\n', err: '', code: 0 });
    expect((await cli(['-v'], program(() => 0))).out).toBe('layerbox version 0.1.0\n');
  });

  it('prints help on stderr, successfully, for a bare program or management command', async () => {
    const r = await cli([], program(() => 0));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      [
        '',
        'Usage:  layerbox [OPTIONS] COMMAND',
        '',
        "Docker's model, made tangible",
        '',
        'Options:',
        '  -D, --debug         Enable debug mode',
        '      --root string   Where images and containers are kept (default',
        '                      "/var/lib/layerbox")',
        '  -v, --version       Print version information and quit',
        '',
        'Management Commands:',
        '  container   Manage containers',
        '  image       Manage images',
        '',
        'Commands:',
        '  images      List images',
        '  run         Run a command in a new container',
        '  todo        Not there yet',
        '',
        "Run 'layerbox COMMAND --help' for more information on a command.",
        '',
      ].join('\n'),
    );
    const g = await cli(['container'], program(() => 0));
    expect(g.code).toBe(0);
    expect(g.err).toContain('Usage:  layerbox container COMMAND');
  });

  it('wraps help to the terminal width', async () => {
    const r = await cli(['--help'], program(() => 0), 120);
    expect(r.out).toContain('      --root string   Where images and containers are kept (default "/var/lib/layerbox")\n');
  });

  it('reports a thrown error as one `Error:` line with status 1, no stack', async () => {
    const r = await cli(['images'], program(() => {
      throw new NotFoundError('No such image: foo');
    }));
    expect(r).toEqual({ out: '', err: 'Error: No such image: foo\n', code: 1 });
    const bug = await cli(['images'], program(() => {
      throw new TypeError('x is undefined');
    }));
    expect(bug.err).toBe('Error: x is undefined\n');
  });

  it('adds the stack only with --debug', async () => {
    const r = await cli(['-D', 'images'], program(() => {
      throw new TypeError('x is undefined');
    }));
    expect(r.err.startsWith('Error: x is undefined\nTypeError: x is undefined\n    at ')).toBe(true);
  });

  it('prints a StatusError as it is, with its status (0 becoming 1)', async () => {
    expect(await cli(['images'], program(() => Promise.reject(new StatusError(7, 'custom failure'))))).toEqual({
      out: '',
      err: 'custom failure\n',
      code: 7,
    });
    expect((await cli(['images'], program(() => Promise.reject(new StatusError(0)))))).toEqual({ out: '', err: '', code: 1 });
  });

  it('prints template errors without a prefix, as docker does', async () => {
    const r = await cli(['images'], program(() => {
      formatRows('{{.Foo', [], { headers: {} });
    }));
    expect(r).toEqual({ out: '', err: 'template parsing error: template: :1: unclosed action\n', code: 1 });
  });

  it('reports run errors the way docker run does, with status 125', async () => {
    const r = await cli(['run', 'img'], program(() => {
      throw new NotFoundError('No such image: img');
    }));
    expect(r).toEqual({ out: '', err: "layerbox: No such image: img.\nSee 'layerbox run --help'.\n", code: 125 });
  });

  it('hands everything after the image to the container', async () => {
    let args: string[] = [];
    await cli(['run', 'img', 'ls', '-l', '--help'], program((ctx) => void (args = ctx.args)));
    expect(args).toEqual(['img', 'ls', '-l', '--help']);
  });

  it('says so for a command that has no implementation yet', async () => {
    expect(await cli(['todo'], program(() => 0))).toEqual({ out: '', err: 'Error: layerbox todo is not implemented\n', code: 1 });
  });

  it('rejects a table with a name used twice', () => {
    const p = program(() => 0);
    expect(() => checkCommandTable(p)).not.toThrow();
    const bad = { ...p, subcommands: [...p.subcommands!, { name: 'list', aliases: ['images'], short: 'x' }] };
    expect(() => checkCommandTable(bad)).toThrow(FlagDefinitionError);
  });
});
