// tar of the userland against GNU tar: archives it writes are byte-identical to
// `tar --format=gnu --sort=name`, GNU tar reads them back, and it extracts what GNU tar
// writes in gnu, ustar and pax formats, gzipped or not.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox } from './harness.ts';

// Each test runs a few dozen short programs; the machine is shared, so allow time.
vi.setConfig({ testTimeout: 30_000 });

let box: Sandbox;
let counter = 0;

beforeAll(async () => {
  box = await Sandbox.create();
}, 180_000);

afterAll(() => box?.dispose());

const MTIME = 1_700_000_000;
const LONG = 'long-'.repeat(25); // 125 characters: needs a GNU LongLink entry

/** A tree with the entry kinds tar must keep, all with fixed times. */
function tree(): string {
  const dir = `/src${++counter}`;
  const d = `${dir}/d`;
  box.write(`${d}/a.txt`, 'hello\n');
  box.write(`${d}/run.sh`, '#!/bin/sh\necho run\n', 0o755);
  box.write(`${d}/big.bin`, Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251)));
  box.write(`${d}/setuid`, 'x', 0o4750);
  box.write(`${d}/sub/${LONG}`, 'long name\n');
  box.write(`${d}/owned`, 'daemon owns this\n');
  fs.chownSync(box.host(`${d}/owned`), 1, 1);
  fs.symlinkSync('a.txt', box.host(`${d}/link`));
  fs.symlinkSync(`../${'t'.repeat(110)}`, box.host(`${d}/longlink`));
  fs.linkSync(box.host(`${d}/a.txt`), box.host(`${d}/hard`));
  fs.mkdirSync(box.host(`${d}/empty`), { mode: 0o700 });
  const stamp = (p: string) => fs.lutimesSync(box.host(p), MTIME, MTIME);
  for (const p of ['a.txt', 'run.sh', 'big.bin', 'setuid', `sub/${LONG}`, 'owned', 'link', 'longlink', 'empty', 'sub', '.']) {
    stamp(`${d}/${p}`);
  }
  return dir;
}

/** `ls -lR` with exact times, to compare two trees. */
function listing(dir: string): string {
  return box.gnu(['ls', '-lR', '--time-style=+%s', '.'], { cwd: dir }).stdout;
}

describe('tar -c', () => {
  it('writes the same bytes as GNU tar --format=gnu --sort=name', () => {
    const dir = tree();
    expect(box.run(['tar', '-cf', `${dir}/ours.tar`, '-C', dir, 'd']).status).toBe(0);
    box.gnu(['tar', '--format=gnu', '--sort=name', '-cf', 'gnu.tar', 'd'], { cwd: dir });
    const ours = fs.readFileSync(box.host(`${dir}/ours.tar`));
    const gnu = fs.readFileSync(box.host(`${dir}/gnu.tar`));
    expect(ours.length).toBe(gnu.length);
    expect(ours.equals(gnu)).toBe(true);
  });

  it('GNU tar lists and extracts what it wrote, keeping modes, owners, times and links', () => {
    const dir = tree();
    expect(box.run(['tar', 'cf', 'x.tar', 'd'], { cwd: dir }).status).toBe(0);
    const list = box.gnu(['tar', 'tvf', 'x.tar'], { cwd: dir });
    expect(list.status).toBe(0);
    expect(box.run(['tar', 'tvf', 'x.tar'], { cwd: dir }).stdout).toBe(list.stdout);
    expect(list.stdout).toContain('hrw-r--r-- root/root         0 2023-11-14 22:13 d/hard link to d/a.txt');
    expect(list.stdout).toContain(`d/sub/${LONG}`);
    box.gnu(['mkdir', 'out'], { cwd: dir });
    expect(box.gnu(['tar', 'xpf', '../x.tar', '--same-owner'], { cwd: `${dir}/out` }).status).toBe(0);
    expect(listing(`${dir}/out/d`)).toBe(listing(`${dir}/d`));
  });

  it('-z writes gzip that GNU tar reads, -v names the members', () => {
    const dir = tree();
    const r = box.run(['tar', '-czvf', 'x.tgz', 'd'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toContain('d/sub/');
    const bytes = fs.readFileSync(box.host(`${dir}/x.tgz`));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(bytes.length).toBeLessThan(fs.statSync(box.host(`${dir}/d/big.bin`)).size);
    expect(box.gnu(['tar', 'tzf', 'x.tgz'], { cwd: dir }).stdout).toBe(box.run(['tar', 'tf', 'x.tgz'], { cwd: dir }).stdout);
    box.gnu(['mkdir', 'out'], { cwd: dir });
    expect(box.gnu(['tar', 'xzpf', '../x.tgz'], { cwd: `${dir}/out` }).status).toBe(0);
    expect(listing(`${dir}/out/d`)).toBe(listing(`${dir}/d`));
  });

  it('writes to stdout with -f -, strips a leading /, and refuses an empty archive', () => {
    const dir = tree();
    const r = box.run(['tar', '-cf', '-', `${dir}/d/a.txt`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("tar: Removing leading `/' from member names\n");
    expect(box.gnu(['tar', 'tf', '-'], { input: r.bytes }).stdout).toBe(`${dir.slice(1)}/d/a.txt\n`);
    const empty = box.run(['tar', '-cf', '/e.tar']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^tar: Cowardly refusing to create an empty archive/);
    const missing = box.run(['tar', '-cf', '/m.tar', '/nope']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("tar: /nope: Cannot stat: No such file or directory");
  });

  it('--exclude leaves matching members out', () => {
    const dir = tree();
    box.run(['tar', '--exclude=*.bin', '--exclude', 'sub', '-cf', 'x.tar', 'd'], { cwd: dir });
    const names = box.gnu(['tar', 'tf', 'x.tar'], { cwd: dir }).stdout;
    expect(names).not.toContain('big.bin');
    expect(names).not.toContain('d/sub');
    expect(names).toContain('d/a.txt');
  });
});

describe('tar -x and -t', () => {
  it.each([['gnu'], ['ustar'], ['posix']])('extracts a GNU tar %s archive exactly', (format) => {
    const dir = tree();
    if (format === 'ustar') {
      // ustar cannot hold a 125-character name or a 113-character link target.
      fs.rmSync(box.host(`${dir}/d/longlink`));
      fs.rmSync(box.host(`${dir}/d/sub/${LONG}`));
      box.write(`${dir}/d/sub/${'p'.repeat(60)}/${'q'.repeat(60)}`, 'prefix and name\n');
    }
    expect(box.gnu(['tar', `--format=${format}`, '-cf', 'x.tar', 'd'], { cwd: dir }).status).toBe(0);
    expect(box.run(['mkdir', `${dir}/out`]).status).toBe(0);
    const r = box.run(['tar', '-xf', '../x.tar'], { cwd: `${dir}/out` });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(listing(`${dir}/out/d`)).toBe(listing(`${dir}/d`));
    expect(fs.statSync(box.host(`${dir}/out/d/hard`)).ino).toBe(fs.statSync(box.host(`${dir}/out/d/a.txt`)).ino);
    expect(fs.readFileSync(box.host(`${dir}/out/d/big.bin`))).toEqual(fs.readFileSync(box.host(`${dir}/d/big.bin`)));
  });

  it('lists like GNU tar -tv, including pax and ustar archives', () => {
    const dir = tree();
    for (const format of ['gnu', 'posix']) {
      box.gnu(['tar', `--format=${format}`, '--sort=name', '-cf', `${format}.tar`, 'd'], { cwd: dir });
      expect(box.run(['tar', '-tvf', `${format}.tar`], { cwd: dir }).stdout).toBe(
        box.gnu(['tar', '-tvf', `${format}.tar`], { cwd: dir }).stdout,
      );
      expect(box.run(['tar', '-tf', `${format}.tar`], { cwd: dir }).stdout).toBe(
        box.gnu(['tar', '-tf', `${format}.tar`], { cwd: dir }).stdout,
      );
    }
  });

  it('reads gzip archives from GNU tar without -z, and with -z from stdin', () => {
    const dir = tree();
    box.gnu(['tar', '-czf', 'x.tgz', 'd'], { cwd: dir });
    box.run(['mkdir', `${dir}/out`]);
    expect(box.run(['tar', '-xf', 'x.tgz', '-C', 'out'], { cwd: dir }).status).toBe(0);
    expect(listing(`${dir}/out/d`)).toBe(listing(`${dir}/d`));
    const tgz = fs.readFileSync(box.host(`${dir}/x.tgz`));
    expect(box.run(['tar', '-tzf', '-'], { stdin: tgz }).stdout).toBe(box.gnu(['tar', '-tzf', 'x.tgz'], { cwd: dir }).stdout);
  });

  it('extracts selected members, to stdout with -O, with --strip-components', () => {
    const dir = tree();
    box.gnu(['tar', '-cf', 'x.tar', 'd'], { cwd: dir });
    expect(box.run(['tar', '-xOf', 'x.tar', 'd/run.sh'], { cwd: dir }).stdout).toBe('#!/bin/sh\necho run\n');
    box.run(['mkdir', `${dir}/sel`]);
    expect(box.run(['tar', '-xf', '../x.tar', 'd/sub'], { cwd: `${dir}/sel` }).status).toBe(0);
    expect(box.gnu(['find', '.'], { cwd: `${dir}/sel` }).stdout.split('\n').sort().filter(Boolean)).toEqual(
      ['.', './d', './d/sub', `./d/sub/${LONG}`].sort(),
    );
    box.run(['mkdir', `${dir}/strip`]);
    expect(box.run(['tar', '-xf', '../x.tar', '--strip-components=1'], { cwd: `${dir}/strip` }).status).toBe(0);
    expect(fs.readFileSync(box.host(`${dir}/strip/a.txt`), 'utf8')).toBe('hello\n');
    expect(fs.statSync(box.host(`${dir}/strip/hard`)).ino).toBe(fs.statSync(box.host(`${dir}/strip/a.txt`)).ino);
  });

  it('-xv prints names, and overwrites existing files', () => {
    const dir = tree();
    box.gnu(['tar', '-cf', 'x.tar', 'd/a.txt', 'd/run.sh'], { cwd: dir });
    box.write(`${dir}/d/a.txt`, 'changed');
    const r = box.run(['tar', '-xvf', 'x.tar'], { cwd: dir });
    expect(r.stdout).toBe('d/a.txt\nd/run.sh\n');
    expect(box.read(`${dir}/d/a.txt`)).toBe('hello\n');
  });

  it('owners: names from the archive win; --numeric-owner and non-root keep numbers or self', () => {
    const dir = tree();
    box.gnu(['tar', '-cf', 'x.tar', 'd/owned'], { cwd: dir });
    box.run(['mkdir', `${dir}/o1`, `${dir}/o2`]);
    box.run(['tar', '-xf', '../x.tar'], { cwd: `${dir}/o1` });
    expect(fs.statSync(box.host(`${dir}/o1/d/owned`)).uid).toBe(1);
    box.run(['tar', '--no-same-owner', '-xf', '../x.tar'], { cwd: `${dir}/o2` });
    expect(fs.statSync(box.host(`${dir}/o2/d/owned`)).uid).toBe(0);
  });

  it('reports errors like GNU tar', () => {
    const dir = tree();
    box.gnu(['tar', '-cf', 'x.tar', 'd/a.txt'], { cwd: dir });
    let r = box.run(['tar', '-xf', 'x.tar', 'd/nope'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('tar: d/nope: Not found in archive\ntar: Exiting with failure status due to previous errors\n');
    box.write(`${dir}/junk`, 'this is not a tar archive at all'.repeat(40));
    r = box.run(['tar', '-tf', 'junk'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tar: This does not look like a tar archive/);
    r = box.run(['tar', '-xf', '/nope.tar']);
    expect(r.stderr).toBe('tar: /nope.tar: Cannot open: No such file or directory\n');
    expect(box.run(['tar', '-f', 'x.tar']).stderr).toMatch(/^tar: You must specify one of the/);
  });

  it('refuses members that climb out with ..', () => {
    const dir = `/evil${++counter}`;
    box.write(`${dir}/in/ok`, 'ok');
    box.write(`${dir}/escape`, 'x');
    box.gnu(['tar', '-cPf', '../evil.tar', 'ok', '../escape'], { cwd: `${dir}/in` });
    box.run(['mkdir', `${dir}/out`]);
    const r = box.run(['tar', '-xf', '../evil.tar'], { cwd: `${dir}/out` });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("../escape: Member name contains '..'");
    expect(fs.existsSync(box.host(`${dir}/out/ok`))).toBe(true);
  });
});
