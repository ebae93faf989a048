import { describe, expect, it } from 'vitest';
import { FlagDefinitionError, FlagError, checkFlagSpecs, parseArgs } from '../../../shared/cli/args.ts';
import { runCli } from '../../../shared/cli/command.ts';
import { type Call, dockerProgram } from './docker-program.ts';
import { memoryIO } from './memory-io.ts';

async function cli(argv: string[]): Promise<{ err: string; out: string; code: number; calls: Call[] }> {
  const calls: Call[] = [];
  const io = memoryIO();
  const code = await runCli(argv, io, dockerProgram(calls));
  return { err: io.err, out: io.out, code, calls };
}

const see = (path: string): string => `\nSee '${path} --help'.\n`;

// Every expected message below is what /usr/bin/docker (20.10.24) printed on stderr for
// the same argv, with the same exit status; these errors come before docker contacts a
// daemon, so the client alone was enough to check them.
describe('flag and argument errors, as docker reports them', () => {
  const cases: [string[], string, number][] = [
    [['image', 'ls', '--bogus'], 'unknown flag: --bogus' + see('docker image ls'), 125],
    [['image', 'ls', '-z'], "unknown shorthand flag: 'z' in -z" + see('docker image ls'), 125],
    [['image', 'ls', '-aqz'], "unknown shorthand flag: 'z' in -z" + see('docker image ls'), 125],
    [['ps', '--last'], 'flag needs an argument: --last' + see('docker ps'), 125],
    [['ps', '-n'], "flag needs an argument: 'n' in -n" + see('docker ps'), 125],
    [['ps', '-qn'], "flag needs an argument: 'n' in -n" + see('docker ps'), 125],
    [
      ['ps', '-n', 'abc'],
      'invalid argument "abc" for "-n, --last" flag: strconv.ParseInt: parsing "abc": invalid syntax' + see('docker ps'),
      125,
    ],
    [
      ['ps', '-qnabc'],
      'invalid argument "abc" for "-n, --last" flag: strconv.ParseInt: parsing "abc": invalid syntax' + see('docker ps'),
      125,
    ],
    [['ps', '--last='], 'invalid argument "" for "-n, --last" flag: strconv.ParseInt: parsing "": invalid syntax' + see('docker ps'), 125],
    [
      ['ps', '--last', '1.5'],
      'invalid argument "1.5" for "-n, --last" flag: strconv.ParseInt: parsing "1.5": invalid syntax' + see('docker ps'),
      125,
    ],
    [
      ['ps', '-n', '99999999999999999999'],
      'invalid argument "99999999999999999999" for "-n, --last" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range' +
        see('docker ps'),
      125,
    ],
    [['ps', '--=x'], 'bad flag syntax: --=x' + see('docker ps'), 125],
    [['ps', '---x'], 'bad flag syntax: ---x' + see('docker ps'), 125],
    [
      ['image', 'ls', '--all=maybe'],
      'invalid argument "maybe" for "-a, --all" flag: strconv.ParseBool: parsing "maybe": invalid syntax' + see('docker image ls'),
      125,
    ],
    [
      ['image', 'ls', '--no-trunc=yes'],
      'invalid argument "yes" for "--no-trunc" flag: strconv.ParseBool: parsing "yes": invalid syntax' + see('docker image ls'),
      125,
    ],
    [
      ['image', 'ls', '--filter=nonsense'],
      'invalid argument "nonsense" for "-f, --filter" flag: bad format of filter (expected name=value)' + see('docker image ls'),
      125,
    ],
    [['image', 'ls', '-f'], "flag needs an argument: 'f' in -f" + see('docker image ls'), 125],
    [['run', '--memory', '12q', 'bb'], `invalid argument "12q" for "-m, --memory" flag: invalid size: '12q'` + see('docker run'), 125],
    [
      ['run', '--cpus', 'abc', 'bb'],
      'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number' + see('docker run'),
      125,
    ],
    [
      ['run', '--stop-timeout=x', 'bb'],
      'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax' + see('docker run'),
      125,
    ],
    [
      ['run', '--health-interval', '5', 'bb'],
      'invalid argument "5" for "--health-interval" flag: time: missing unit in duration "5"' + see('docker run'),
      125,
    ],
    [
      ['run', '--health-interval', '5x', 'bb'],
      'invalid argument "5x" for "--health-interval" flag: time: unknown unit "x" in duration "5x"' + see('docker run'),
      125,
    ],
    [['run', '--sysctl', 'noequals', 'bb'], `invalid argument "noequals" for "--sysctl" flag: sysctl 'noequals' is not whitelisted` + see('docker run'), 125],
    [['run', '--name'], 'flag needs an argument: --name' + see('docker run'), 125],
    [
      ['image', 'rm', '--force=x', 'a'],
      'invalid argument "x" for "-f, --force" flag: strconv.ParseBool: parsing "x": invalid syntax' + see('docker image rm'),
      125,
    ],
    [['build', '--build-arg'], 'flag needs an argument: --build-arg' + see('docker build'), 125],
    [['ps', '--help', '--bogus'], 'unknown flag: --bogus' + see('docker ps'), 125],
    [['ps', '--bogus', '--help'], 'unknown flag: --bogus' + see('docker ps'), 125],
    [
      ['image', 'ls', 'a', 'b'],
      '"docker image ls" requires at most 1 argument.\nSee \'docker image ls --help\'.\n\nUsage:  docker image ls [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n',
      1,
    ],
    [
      ['images', 'a', 'b'],
      '"docker images" requires at most 1 argument.\nSee \'docker images --help\'.\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n',
      1,
    ],
    [
      ['run', '-t'],
      '"docker run" requires at least 1 argument.\nSee \'docker run --help\'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun a command in a new container\n',
      1,
    ],
    [
      ['run', '-p', 'bb'],
      '"docker run" requires at least 1 argument.\nSee \'docker run --help\'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun a command in a new container\n',
      1,
    ],
    [
      ['exec', 'c'],
      '"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nRun a command in a running container\n',
      1,
    ],
    [
      ['tag', 'a'],
      '"docker tag" requires exactly 2 arguments.\nSee \'docker tag --help\'.\n\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n',
      1,
    ],
    [
      ['tag', 'a', 'b', 'c'],
      '"docker tag" requires exactly 2 arguments.\nSee \'docker tag --help\'.\n\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n',
      1,
    ],
    [
      ['rmi'],
      '"docker rmi" requires at least 1 argument.\nSee \'docker rmi --help\'.\n\nUsage:  docker rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more images\n',
      1,
    ],
    [
      ['volume', 'create', 'a', 'b'],
      '"docker volume create" requires at most 1 argument.\nSee \'docker volume create --help\'.\n\nUsage:  docker volume create [OPTIONS] [VOLUME]\n\nCreate a volume\n',
      1,
    ],
    [
      ['volume', 'ls', 'extra'],
      '"docker volume ls" accepts no arguments.\nSee \'docker volume ls --help\'.\n\nUsage:  docker volume ls [OPTIONS]\n\nList volumes\n',
      1,
    ],
    [
      ['build'],
      '"docker build" requires exactly 1 argument.\nSee \'docker build --help\'.\n\nUsage:  docker build [OPTIONS] PATH | URL | -\n\nBuild an image from a Dockerfile\n',
      1,
    ],
    [['ps', '-'], '"docker ps" accepts no arguments.\nSee \'docker ps --help\'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers\n', 1],
    [['-D', 'ps', 'extra'], '"docker ps" accepts no arguments.\nSee \'docker ps --help\'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers\n', 1],
    [['bogus'], "docker: 'bogus' is not a docker command.\nSee 'docker --help'\n", 1],
    [['help', 'bogus'], 'unknown help topic: bogus\n', 1],
    [['help', 'ps', 'extra'], 'unknown help topic: extra\n', 1],
  ];

  it.each(cases)('docker %j', async (argv, err, code) => {
    const r = await cli(argv);
    expect(r.err).toBe(err);
    expect(r.code).toBe(code);
    expect(r.calls).toEqual([]);
  });

  it.each([
    [['--root', '/x', 'ps'], 'unknown flag: --root'],
    [['--log-level'], 'flag needs an argument: --log-level'],
    [['-H'], "flag needs an argument: 'H' in -H"],
  ])('a global flag error %j also prints the top-level usage', async (argv, first) => {
    const r = await cli(argv);
    expect(r.err.startsWith(`${first}\nSee 'docker --help'.\n\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime`)).toBe(true);
    expect(r.err.endsWith('https://docs.docker.com/go/guides/\n\n')).toBe(true);
    expect(r.code).toBe(125);
  });
});

// Parses docker accepted (it went on to contact the daemon). Where the value is visible,
// it was checked against a private dockerd: `run IMAGE cmd -l` passed -l to the
// container, `-e A=1 -eB=2 --env=C=3` set all three, `image ls bb -a` listed bb.
describe('accepted command lines', () => {
  async function call(argv: string[]): Promise<Call> {
    const r = await cli(argv);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.calls).toHaveLength(1);
    return r.calls[0]!;
  }

  it('combines boolean shorthands', async () => {
    const c = await call(['image', 'ls', '-qa']);
    expect(c.path).toBe('docker image ls');
    expect(c.flags).toMatchObject({ quiet: true, all: true, digests: false });
  });

  it('takes --flag=false and -f=false for booleans, and repeated booleans', async () => {
    expect((await call(['image', 'ls', '-a=false', '-q'])).flags).toMatchObject({ all: false, quiet: true });
    expect((await call(['image', 'ls', '--no-trunc=T'])).flags).toMatchObject({ 'no-trunc': true });
    expect((await call(['image', 'ls', '--no-trunc=1'])).flags).toMatchObject({ 'no-trunc': true });
    expect((await call(['image', 'ls', '-a', '-a'])).flags).toMatchObject({ all: true });
    expect((await call(['ps', '-qa=true'])).flags).toMatchObject({ quiet: true, all: true });
  });

  it('reads short values attached, after =, and as the next argument', async () => {
    expect((await call(['ps', '-n5'])).flags).toMatchObject({ last: 5 });
    expect((await call(['ps', '-n=-3'])).flags).toMatchObject({ last: -3 });
    expect((await call(['ps', '-n', '-3'])).flags).toMatchObject({ last: -3 });
    expect((await call(['ps', '--last', '0x10'])).flags).toMatchObject({ last: 16 });
    expect((await call(['ps'])).flags).toMatchObject({ last: -1 });
  });

  it('collects repeated list and filter flags in order', async () => {
    expect((await call(['image', 'ls', '-f', 'dangling=true', '-f', 'label=x'])).flags).toMatchObject({ filter: ['dangling=true', 'label=x'] });
    const r = await call(['run', '-e', 'A=1', '-eB=2', '--env=C=3', '-e', 'A=2', 'bb']);
    expect(r.flags).toMatchObject({ env: ['A=1', 'B=2', 'C=3', 'A=2'] });
    const b = await call(['build', '--build-arg', 'A=1', '--build-arg', 'B', '-t', 'x:1', '-t', 'y', '.']);
    expect(b.flags).toMatchObject({ 'build-arg': ['A=1', 'B'], tag: ['x:1', 'y'] });
    expect(b.args).toEqual(['.']);
  });

  it('builds map flags from key=value, later keys winning (docker MapOpts)', async () => {
    const c = await call(['volume', 'create', '-o', 'a=1', '-o', 'b', '--opt=a=2', 'v']);
    expect(c.flags).toMatchObject({ opt: { a: '2', b: '' }, driver: 'local' });
  });

  it('parses sizes and durations', async () => {
    expect((await call(['run', '-m', '1.5g', 'bb'])).flags).toMatchObject({ memory: 1610612736 });
    expect((await call(['run', '--health-interval', '1m30s', 'bb'])).flags).toMatchObject({ 'health-interval': 90_000 });
  });

  it('stops at the first argument for run and exec', async () => {
    const r = await call(['run', '--rm', 'bb', 'ls', '-l', '--rm', '--', 'x']);
    expect(r.args).toEqual(['bb', 'ls', '-l', '--rm', '--', 'x']);
    expect(r.flags).toMatchObject({ rm: true });
    const e = await call(['exec', '-it', 'c', 'sh', '-c', 'echo hi']);
    expect(e.flags).toMatchObject({ interactive: true, tty: true });
    expect(e.args).toEqual(['c', 'sh', '-c', 'echo hi']);
  });

  it('lets flags follow arguments elsewhere', async () => {
    const c = await call(['image', 'ls', 'bb', '-a']);
    expect(c.args).toEqual(['bb']);
    expect(c.flags).toMatchObject({ all: true });
  });

  it('ends flags at --', async () => {
    const c = await call(['image', 'ls', '--', '-a']);
    expect(c.args).toEqual(['-a']);
    expect(c.flags).toMatchObject({ all: false });
    expect(c.argsLenAtDash).toBe(0);
    const r = await call(['run', '--rm', '--', 'bb']);
    expect(r.args).toEqual(['bb']);
    expect(r.argsLenAtDash).toBe(0);
  });

  it('parses global flags before the command', async () => {
    const c = await call(['-D', '--log-level', 'warn', '-H', 'a', '--host=b', 'image', 'ls']);
    expect(c.globals).toMatchObject({ debug: true, 'log-level': 'warn', host: ['a', 'b'] });
    expect((await call(['--debug=false', 'ps', '-q'])).globals).toMatchObject({ debug: false });
  });

  it('resolves aliases and shortcuts to the same command', async () => {
    for (const argv of [['images'], ['image', 'ls'], ['image', 'list']]) {
      expect((await call(argv)).flags).toHaveProperty('digests', false);
    }
    expect((await call(['container', 'ps'])).path).toBe('docker container ls');
    expect((await call(['image', 'rmi', 'x'])).path).toBe('docker image rm');
    expect((await call(['rmi', 'x'])).path).toBe('docker rmi');
  });
});

describe('parseArgs', () => {
  const specs = [
    { name: 'tags', type: 'strings' as const, help: '' },
    { name: 'arr', type: 'stringArray' as const, default: ['d'], help: '' },
    { name: 'n', type: 'uint' as const, help: '' },
    { name: 'ratio', type: 'float' as const, help: '' },
  ];

  it('splits strings flags as CSV, and replaces a stringArray default', () => {
    const p = parseArgs(specs, ['--tags', 'a,"b,c"', '--tags=d', '--arr', 'x', '--arr', 'y,z']);
    expect(p.flags.list('tags')).toEqual(['a', 'b,c', 'd']);
    expect(p.flags.list('arr')).toEqual(['x', 'y,z']);
    expect(parseArgs(specs, []).flags.list('arr')).toEqual(['d']);
  });

  it('rejects negative uints and bad floats like strconv', () => {
    expect(() => parseArgs(specs, ['--n', '-1'])).toThrow('invalid argument "-1" for "--n" flag: strconv.ParseUint: parsing "-1": invalid syntax');
    expect(() => parseArgs(specs, ['--ratio', 'x'])).toThrow('strconv.ParseFloat: parsing "x": invalid syntax');
    expect(parseArgs(specs, ['--ratio', '2.5e-1']).flags.number('ratio')).toBe(0.25);
  });

  it('throws FlagError for user mistakes', () => {
    expect(() => parseArgs(specs, ['--nope'])).toThrow(FlagError);
  });

  it('reports which flags were given', () => {
    const p = parseArgs(specs, ['--n', '0']);
    expect(p.flags.changed('n')).toBe(true);
    expect(p.flags.changed('ratio')).toBe(false);
  });

  it('refuses to read a flag as the wrong type, or one never defined', () => {
    const p = parseArgs(specs, []);
    expect(() => p.flags.bool('n')).toThrow(FlagDefinitionError);
    expect(() => p.flags.get('missing')).toThrow(FlagDefinitionError);
  });

  it('checks definitions', () => {
    expect(() => checkFlagSpecs([{ name: 'a', type: 'bool', help: '' }, { name: 'a', type: 'bool', help: '' }])).toThrow('defined twice');
    expect(() => checkFlagSpecs([{ name: 'a', shorthand: 'ab', type: 'bool', help: '' }])).toThrow('one character');
  });
});
