// Text applets of the userland (echo, printf, cat, head, tail, wc, grep, sed, sort,
// uniq, cut, tr, tee, seq, sha256sum), compared with GNU tools on the same input.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox } from './harness.ts';

// Each test runs a few dozen short programs; the machine is shared, so allow time.
vi.setConfig({ testTimeout: 30_000 });

let box: Sandbox;

const TABLE = [
  'banana 3 yellow',
  'apple 10 red',
  '  cherry 2 red',
  'apple 2 green',
  'Date 7 brown',
  'elder\t1\tpurple',
  'fig -4 purple',
  'grape 3.5 green',
  '',
  'apple 10 red',
  'kiwi 1e3 brown',
  'lime 0x10 green',
].join('\n') + '\n';

const CSV = 'id:name:shell\n0:root:/bin/sh\n1:daemon:/usr/sbin/nologin\n1000:user:/bin/bash\nnocolon\n';

beforeAll(async () => {
  box = await Sandbox.create();
  box.write('/data/table', TABLE);
  box.write('/data/csv', CSV);
  box.write('/data/lines', Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  box.write('/data/nonl', 'one\ntwo\nthree');
  box.write('/data/empty', '');
  box.write('/data/words', 'the quick brown fox\njumps over\tthe lazy dog\n\n  spaced   out  \n');
  box.write('/data/dups', 'a\na\nb\nA\na\nc\nc\nc\nd\n');
  box.write('/data/numbers', '123456789012345678901\n123456789012345678900\n-0\n0.5\n.25\n-1.5\n007\n1K\n2M\n512\n1G\n3k\n-2K\nx\n10.0\n10\n');
  box.write('/data/mixed', 'Mar 1.5e2 v1.10 x\nJan -3 v1.2 _b\nfoo 0x10 v1.9.1 a-c\nDec inf v10 a.b\nfeb nan v1.9 ab\n jun 7 v1.9a #z\n');
}, 180_000);

afterAll(() => box?.dispose());

/** Runs an applet and the GNU tool with the same arguments in /data. */
function same(argv: string[], stdin?: string): void {
  const ours = box.run(argv, { cwd: '/data', stdin });
  const gnu = box.gnu(argv, { cwd: '/data', input: stdin });
  expect(ours.stdout).toBe(gnu.stdout);
  expect(ours.status).toBe(gnu.status);
}

describe('echo, printf, cat', () => {
  it('echo handles -n, -e and stops option parsing at a non-option', () => {
    expect(box.run(['echo', 'a', 'b']).stdout).toBe('a b\n');
    expect(box.run(['echo', '-n', 'x']).stdout).toBe('x');
    expect(box.run(['echo', '-e', 'a\\tb\\n\\x41\\0101\\c', 'ignored']).stdout).toBe('a\tb\nAA');
    expect(box.run(['echo', '-x', 'y']).stdout).toBe('-x y\n');
    expect(box.run(['echo', 'a\\tb']).stdout).toBe('a\\tb\n');
  });

  it.each([
    [['%s|%5s|%-5s|\n', 'a', 'b', 'c']],
    [['%d %i %x %X %o %u\n', '42', '-7', '255', '255', '8', '3']],
    [['%05d|%+d|% d|%.3d\n', '42', '5', '6', '7']],
    [['%.2f %e %g\n', '3.14159', '12345.678', '0.0001']],
    [['%c%c\n', 'hello', 'world']],
    [['%s\n', 'one', 'two', 'three']],
    [['%b\n', 'a\\tb\\101']],
    [['\\101\\x42\\t%%\n']],
    [['%d\n', "'A"]],
    [['%*d|%-*s|\n', '5', '42', '4', 'ab']],
  ])('printf %j matches GNU printf', (args) => {
    same(['printf', ...args]);
  });

  it('printf reports a bad number but goes on', () => {
    const r = box.run(['printf', '%d|', 'x', '5']);
    expect(r.stdout).toBe('0|5|');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("printf: 'x': expected a numeric value\n");
  });

  it.each([[['-n']], [['-b']], [['-s']], [['-E']], [['-A']], [['-T']]])('cat %j matches GNU cat', (flags) => {
    same(['cat', ...flags, 'words', 'nonl', 'words']);
  });

  it('cat reads stdin for - and reports missing files', () => {
    const r = box.run(['cat', 'nonl', '-', 'missing', 'empty'], { cwd: '/data', stdin: 'IN\n' });
    expect(r.stdout).toBe('one\ntwo\nthreeIN\n');
    expect(r.stderr).toBe('cat: missing: No such file or directory\n');
    expect(r.status).toBe(1);
    expect(box.run(['cat', '/data']).stderr).toBe('cat: /data: Is a directory\n');
  });
});

describe('head, tail, wc', () => {
  it.each([
    [['head', 'lines']],
    [['head', '-n', '3', 'lines']],
    [['head', '-3', 'lines']],
    [['head', '-n', '-20', 'lines']],
    [['head', '-c', '10', 'lines']],
    [['head', '-c', '-100', 'lines']],
    [['head', '-n', '2', 'lines', 'nonl']],
    [['head', '-q', '-n', '1', 'lines', 'nonl']],
    [['tail', 'lines']],
    [['tail', '-n', '3', 'lines']],
    [['tail', '-3', 'nonl']],
    [['tail', '-n', '+20', 'lines']],
    [['tail', '-c', '7', 'lines']],
    [['tail', '-c', '+150', 'lines']],
    [['tail', '-n', '1', 'nonl', 'lines']],
    [['tail', '-n', '0', 'lines']],
  ])('%j matches GNU', (argv) => {
    same(argv);
  });

  it('head stops reading once it has enough (an endless producer is cut off)', () => {
    const lots = 'y\n'.repeat(200_000);
    expect(box.run(['head', '-n', '2'], { stdin: lots }).stdout).toBe('y\ny\n');
    expect(box.run(['tail', '-n', '2'], { stdin: lots }).stdout).toBe('y\ny\n');
  });

  it.each([
    [['wc', 'words']],
    [['wc', 'words', 'lines', 'nonl']],
    [['wc', '-l', 'words']],
    [['wc', '-w', 'words', 'nonl']],
    [['wc', '-c', 'lines']],
    [['wc', '-lc', 'lines', 'empty']],
    [['wc', '-L', 'words']],
    [['wc', '-m', 'words']],
  ])('%j matches GNU', (argv) => {
    same(argv);
  });

  it('wc counts stdin like GNU wc (here a regular file, as the harness passes stdin)', () => {
    for (const args of [[], ['-l'], ['-wc']]) {
      const ours = box.run(['wc', ...args], { stdin: TABLE });
      const gnu = box.gnu(['sh', '-c', `wc ${args.join(' ')} < table`], { cwd: '/data' });
      expect(ours.stdout).toBe(gnu.stdout);
    }
    const r = box.run(['wc', 'words', 'missing'], { cwd: '/data' });
    expect(r.stderr).toBe('wc: missing: No such file or directory\n');
    expect(r.status).toBe(1);
  });
});

describe('grep', () => {
  it.each([
    [['grep', 'apple', 'table']],
    [['grep', '-n', 'red', 'table']],
    [['grep', '-c', 'apple', 'table']],
    [['grep', '-v', 'e', 'table']],
    [['grep', '-i', 'date', 'table']],
    [['grep', '-E', '^(apple|fig) ', 'table']],
    [['grep', 'a\\+p', 'table']],
    [['grep', '-w', 'red', 'table']],
    [['grep', '-x', 'apple 10 red', 'table']],
    [['grep', '-o', '[0-9]\\+', 'table']],
    [['grep', '-F', '3.5', 'table']],
    [['grep', '-e', 'kiwi', '-e', 'lime', 'table']],
    [['grep', '-l', 'root', 'table', 'csv']],
    [['grep', '-L', 'root', 'table', 'csv']],
    [['grep', '-h', 'o', 'table', 'csv']],
    [['grep', '-m', '2', 'apple', 'table']],
    [['grep', 'nothing-matches', 'table']],
    [['grep', '-q', 'apple', 'table']],
    [['grep', '[[:upper:]]', 'table']],
    [['grep', '-n', '', 'nonl']],
    [['grep', '-A', '1', 'apple', 'table']],
    [['grep', '-B', '2', 'red', 'table']],
    [['grep', '-n', '-C', '1', 'green', 'table']],
    [['grep', '-C', '1', 'line 1[05]', 'lines', 'lines']],
    [['grep', '-v', '-A', '1', 'e', 'table']],
    [['grep', '-m', '1', '-A', '2', 'apple', 'table']],
  ])('%j matches GNU grep', (argv) => {
    same(argv);
  });

  it('grep -r names files, and errors give status 2', () => {
    box.write('/g/a/x', 'needle\n');
    box.write('/g/b', 'hay\nneedle here\n');
    const ours = box.run(['grep', '-rn', 'needle', '.'], { cwd: '/g' });
    expect(ours.stdout).toBe('./a/x:1:needle\n./b:2:needle here\n');
    expect(box.run(['grep', '-r', 'needle'], { cwd: '/g' }).stdout).toBe('a/x:needle\nb:needle here\n');
    const r = box.run(['grep', 'x', '/nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('grep: /nope: No such file or directory\n');
    expect(box.run(['grep', '-E', 'a(']).status).toBe(2);
    expect(box.run(['grep', '-s', 'x', '/nope']).stderr).toBe('');
  });
});

describe('sed', () => {
  it.each([
    [['s/apple/APPLE/']],
    [['s/a/A/g']],
    [['s/a/A/2']],
    [['s/a/A/2g']],
    [['-n', 's/red/RED/p']],
    [['s/\\([a-z]*\\) \\([0-9]*\\)/\\2 \\1/']],
    [['-E', 's/([a-z]+) ([0-9]+)/\\2=\\1/']],
    [['s/e/[&]/g']],
    [['s|/|_|g']],
    [['2d']],
    [['2,4d']],
    [['$d']],
    [['/apple/d']],
    [['/apple/!d']],
    [['-n', '/banana/,/Date/p']],
    [['-n', '3,$p']],
    [['-n', '$p']],
    [['-n', '2p;4p']],
    [['1~3d']],
    [['/^$/d;s/ .*//']],
    [['-e', 's/a/1/', '-e', 's/e/2/']],
    [['3q']],
    [['5Q']],
    [['=']],
    [['-n', '/fig/=']],
    [['2i\\\ninserted']],
    [['2a appended']],
    [['/kiwi/c changed']],
    [['y/abc/xyz/']],
    [['$!N;s/\\n/ + /']],
    [['1h;1!H;$!d;x;s/\\n/,/g']],
    [['/apple/{s/red/RED/;s/apple/APPLE/}']],
    [[':a;s/ppl/pl/;ta']],
    [['s/x*/-/g']],
    [['s/[[:digit:]]\\+/<&>/g']],
    [['0,/apple/s/apple/FIRST/']],
    [['/banana/,+2d']],
    [['n;d']],
    [['$!d']],
    [['s/A/a/Ig']],
  ])('sed %j matches GNU sed', (args) => {
    same(['sed', ...args, 'table']);
  });

  it('keeps a missing final newline, and works on stdin', () => {
    same(['sed', 's/o/0/g', 'nonl']);
    same(['sed', '-n', 'p', 'nonl', 'lines']);
    same(['sed', 's/b/B/'], 'abc\nbcd');
  });

  it('-i edits in place and keeps the mode, -i.bak keeps a backup', () => {
    box.write('/sed/f', 'one\ntwo\n', 0o640);
    expect(box.run(['sed', '-i', 's/one/ONE/', '/sed/f']).status).toBe(0);
    expect(box.read('/sed/f')).toBe('ONE\ntwo\n');
    expect(fs.statSync(box.host('/sed/f')).mode & 0o777).toBe(0o640);
    expect(box.run(['sed', '-i.bak', '2d', '/sed/f']).status).toBe(0);
    expect(box.read('/sed/f')).toBe('ONE\n');
    expect(box.read('/sed/f.bak')).toBe('ONE\ntwo\n');
    expect(fs.readdirSync(box.host('/sed')).sort()).toEqual(['f', 'f.bak']);
  });

  it('reports script errors like GNU sed', () => {
    for (const script of ['s/a/b', 'k', 's/a/b/gz', '/x/{p', 'p;k', 's/a', 'y/ab/c/', '3,x', '}', 'b foo']) {
      const ours = box.run(['sed', script], { stdin: 'a\n' });
      const gnu = box.gnu(['sed', script], { input: 'a\n' });
      expect(ours.status).toBe(gnu.status);
      expect(ours.stderr).toBe(gnu.stderr);
    }
    const r = box.run(['sed', 'p', '/nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("sed: can't read /nope: No such file or directory\n");
  });
});

describe('sort and uniq', () => {
  it.each([
    [[]],
    [['-r']],
    [['-n']],
    [['-rn']],
    [['-u']],
    [['-f']],
    [['-k', '2']],
    [['-k', '2n']],
    [['-k', '2,2n']],
    [['-k', '2,2nr']],
    [['-k', '3,3', '-k', '1,1']],
    [['-k', '3r', '-k', '2n']],
    [['-b', '-k', '1,1']],
    [['-k', '1.2,1.3']],
    [['-s', '-k', '3,3']],
    [['-n', '-u']],
    [['-h']],
  ])('sort %j matches GNU sort', (args) => {
    same(['sort', ...args, 'table']);
  });

  it.each([[['-n']], [['-h']], [['-rn']], [['-hr']], [['-nu']], [['-g']]])('sort %j on numbers matches GNU sort', (args) => {
    same(['sort', ...args, 'numbers']);
  });

  it.each([[['-M']], [['-k', '2g']], [['-g', '-k', '2']], [['-k', '3V']], [['-V', '-k', '3,3']], [['-d', '-k', '4']], [['-k', '4d']], [['-i']], [['-Mr']]])(
    'sort %j on mixed keys matches GNU sort',
    (args) => {
      same(['sort', ...args, 'mixed']);
    },
  );

  it.each([[['-t', ':', '-k', '1n']], [['-t', ':', '-k', '3']], [['-t', ':', '-k', '2,2', '-r']]])(
    'sort %j on a colon table matches GNU sort',
    (args) => {
      same(['sort', ...args, 'csv']);
    },
  );

  it('sort -o writes a file, -c checks order', () => {
    expect(box.run(['sort', '-o', '/data/sorted', '/data/dups']).status).toBe(0);
    expect(box.read('/data/sorted')).toBe(box.gnu(['sort', 'dups'], { cwd: '/data' }).stdout);
    expect(box.run(['sort', '-c', '/data/sorted']).status).toBe(0);
    const r = box.run(['sort', '-c', '/data/dups']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('sort: /data/dups:4: disorder: A\n');
  });

  it.each([[[]], [['-c']], [['-d']], [['-u']], [['-i']], [['-ci']], [['-dc']]])('uniq %j matches GNU uniq', (args) => {
    same(['uniq', ...args, 'dups']);
  });
});

describe('cut, tr, tee, seq', () => {
  it.each([
    [['-d', ':', '-f', '2']],
    [['-d', ':', '-f', '1,3']],
    [['-d', ':', '-f', '2-']],
    [['-d', ':', '-f', '-2']],
    [['-d', ':', '-s', '-f', '1']],
    [['-d', ':', '--output-delimiter', '|', '-f', '1,3']],
    [['-d', ':', '--complement', '-f', '2']],
    [['-c', '1-3']],
    [['-c', '2,4-5,9-']],
    [['-b', '-4']],
  ])('cut %j matches GNU cut', (args) => {
    same(['cut', ...args, 'csv']);
  });

  it('cut without a list is a usage error', () => {
    const r = box.run(['cut', 'csv'], { cwd: '/data' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
    );
  });

  it.each([
    [['a-z', 'A-Z']],
    [['[:lower:]', '[:upper:]']],
    [['-d', 'aeiou']],
    [['-s', ' ']],
    [['-d', '[:digit:]']],
    [['-cd', '[:alpha:]\\n']],
    [['-s', 'a-z']],
    [['abc', 'x']],
    [['-t', 'abc', 'xy']],
    [['a-c', '[z*]']],
    [['\\n', ' ']],
    [['-ds', 'a', 'p']],
    [['[:space:]', '_']],
  ])('tr %j matches GNU tr', (args) => {
    same(['tr', ...args], TABLE);
  });

  it('tee copies stdin to stdout and files, -a appends', () => {
    expect(box.run(['tee', '/tee1', '/tee2'], { stdin: 'data\n' }).stdout).toBe('data\n');
    expect(box.read('/tee1')).toBe('data\n');
    box.run(['tee', '-a', '/tee1'], { stdin: 'more\n' });
    expect(box.read('/tee1')).toBe('data\nmore\n');
    const r = box.run(['tee', '/nope/x'], { stdin: 'z' });
    expect(r.stdout).toBe('z');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('tee: /nope/x: No such file or directory\n');
  });

  it.each([
    [['5']],
    [['3', '7']],
    [['1', '3', '10']],
    [['10', '-3', '1']],
    [['-w', '8', '11']],
    [['-s', ',', '4']],
    [['0.5', '0.25', '1.5']],
    [['-f', '%03g', '3']],
    [['-1', '1']],
    [['5', '1']],
  ])('seq %j matches GNU seq', (args) => {
    same(['seq', ...args]);
  });
});

describe('sha256sum', () => {
  it('prints the digests that node:crypto computes, in GNU format', () => {
    box.write('/sum/a', 'hello\n');
    box.write('/sum/big', Buffer.alloc(1_000_003, 0x5a));
    const r = box.run(['sha256sum', 'a', 'big'], { cwd: '/sum' });
    const hex = (p: string) => createHash('sha256').update(fs.readFileSync(box.host(p))).digest('hex');
    expect(r.stdout).toBe(`${hex('/sum/a')}  a\n${hex('/sum/big')}  big\n`);
    expect(r.stdout).toBe(box.gnu(['sha256sum', 'a', 'big'], { cwd: '/sum' }).stdout);
    expect(box.run(['sha256sum'], { stdin: '' }).stdout).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n',
    );
  });

  it('-c checks a list that GNU sha256sum wrote, and reports mismatches', () => {
    box.write('/sum2/a', 'one');
    box.write('/sum2/b', 'two');
    box.write('/sum2/list', box.gnu(['sha256sum', 'a', 'b'], { cwd: '/sum2' }).stdout);
    let r = box.run(['sha256sum', '-c', 'list'], { cwd: '/sum2' });
    expect(r.stdout).toBe('a: OK\nb: OK\n');
    expect(r.status).toBe(0);
    box.write('/sum2/b', 'changed');
    r = box.run(['sha256sum', '-c', 'list'], { cwd: '/sum2' });
    const gnu = box.gnu(['sha256sum', '-c', 'list'], { cwd: '/sum2' });
    expect(r.stdout).toBe(gnu.stdout);
    expect(r.stderr).toBe(gnu.stderr);
    expect(r.status).toBe(1);
    expect(box.run(['sha256sum', '--status', '-c', 'list'], { cwd: '/sum2' }).stdout).toBe('');
  });
});
