// File applets of the userland (ls, stat, mkdir, rm, cp, mv, ln, touch, chmod, chown,
// find, du, df), compared with GNU coreutils run over the same directory.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox } from './harness.ts';

// Each test runs a few dozen short programs; the machine is shared, so allow time.
vi.setConfig({ testTimeout: 30_000 });

let box: Sandbox;

beforeAll(async () => {
  box = await Sandbox.create();
}, 180_000);

afterAll(() => box?.dispose());

/** A fresh tree under /t<n> with files of several kinds, sizes, modes and times. */
let counter = 0;
function tree(): string {
  const dir = `/t${++counter}`;
  box.write(`${dir}/empty`, '');
  box.write(`${dir}/small.txt`, 'hello\n');
  box.write(`${dir}/big.bin`, Buffer.alloc(150_000, 7));
  box.write(`${dir}/run.sh`, '#!/bin/sh\necho hi\n', 0o755);
  box.write(`${dir}/.hidden`, 'x');
  box.write(`${dir}/sub/inner.txt`, 'inner\n');
  box.write(`${dir}/sub/deeper/leaf`, 'leaf');
  box.write(`${dir}/B-upper`, 'upper');
  fs.symlinkSync('small.txt', box.host(`${dir}/link`));
  fs.symlinkSync('missing', box.host(`${dir}/dangling`));
  fs.linkSync(box.host(`${dir}/small.txt`), box.host(`${dir}/hard`));
  fs.chmodSync(box.host(`${dir}/sub/deeper`), 0o2750);
  fs.chownSync(box.host(`${dir}/B-upper`), 1, 1);
  fs.chmodSync(box.host(`${dir}/B-upper`), 0o4644);
  // One old file (shown with a year) and one recent one.
  fs.utimesSync(box.host(`${dir}/empty`), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
  return dir;
}

describe('ls', () => {
  it.each([
    ['-l'],
    ['-la'],
    ['-lA'],
    ['-lh'],
    ['-ln'],
    ['-li'],
    ['-1'],
    ['-a'],
    ['-R'],
    ['-lR'],
    ['-lt'],
    ['-lS'],
    ['-lr'],
    ['-ld'],
    ['-s'],
    ['-F'],
    ['-p'],
    ['-lL'],
    ['-lF'],
    ['-i1'],
  ])('ls %s matches GNU ls', (flag) => {
    const dir = tree();
    // `.` of the tree: its parent (the root) looks different from inside.
    const ours = box.run(['ls', flag, '.'], { cwd: dir });
    const gnu = box.gnu(['ls', flag, '.'], { cwd: dir });
    expect(ours.stdout).toBe(gnu.stdout);
    // -L meets the dangling symlink: both report it.
    expect(ours.stderr).toBe(gnu.stderr);
    expect(ours.status).toBe(gnu.status);
  });

  it('-C fills columns to the width in COLUMNS like GNU ls (with spaces, -T 0)', () => {
    const dir = `/cols${++counter}`;
    const names = ['a', 'bb', 'ccc', 'dddddddddd', 'e'.repeat(22), 'f', 'gg', 'h'.repeat(6), 'i'.repeat(15), 'j', 'kkkk', 'l'.repeat(13), 'mm', 'n'.repeat(19), 'o', 'pppppp', 'q'.repeat(9), 'r', 'ss', 't'.repeat(8)];
    for (const n of names) box.write(`${dir}/${n}`, '', n.length % 3 ? 0o644 : 0o755);
    for (const width of ['200', '80', '40', '20']) {
      for (const flags of ['-C', '-CF', '-Ci']) {
        const ours = box.run(['ls', flags, dir], { env: { COLUMNS: width } }).stdout;
        expect(ours).toBe(box.gnu(['ls', flags, '-T', '0', '-w', width, dir.slice(1)]).stdout);
      }
    }
  });

  it('lists files before directories, each directory under a header', () => {
    const dir = tree();
    const args = ['small.txt', 'sub', 'link', 'sub/deeper', 'empty'];
    const ours = box.run(['ls', '-l', ...args], { cwd: dir });
    expect(ours.stdout).toBe(box.gnu(['ls', '-l', ...args], { cwd: dir }).stdout);
  });

  it('follows a command-line symlink to a directory unless -l or -d', () => {
    const dir = tree();
    fs.symlinkSync('sub', box.host(`${dir}/tosub`));
    for (const args of [['tosub'], ['-l', 'tosub'], ['-d', 'tosub'], ['-F', 'tosub']]) {
      expect(box.run(['ls', ...args], { cwd: dir }).stdout).toBe(box.gnu(['ls', ...args], { cwd: dir }).stdout);
    }
  });

  it('shows device numbers of device files like GNU ls', () => {
    const dir = `/dev${++counter}`;
    box.run(['mkdir', dir]);
    box.gnu(['mknod', 'null', 'c', '1', '3'], { cwd: dir });
    box.gnu(['mknod', 'disk', 'b', '259', '65536'], { cwd: dir });
    box.write(`${dir}/file`, 'x'.repeat(123456));
    expect(box.run(['ls', '-l', '.'], { cwd: dir }).stdout).toBe(box.gnu(['ls', '-l', '.'], { cwd: dir }).stdout);
    const fmt = '%n %F %t %T %Hr %Lr';
    expect(box.run(['stat', '-c', fmt, 'null', 'disk'], { cwd: dir }).stdout).toBe(
      box.gnu(['stat', '-c', fmt, 'null', 'disk'], { cwd: dir }).stdout,
    );
  });

  it('reports a missing operand with status 2 and still lists the rest', () => {
    const dir = tree();
    const r = box.run(['ls', 'nope', 'small.txt'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ls: cannot access 'nope': No such file or directory\n");
    expect(r.stdout).toBe('small.txt\n');
  });

  it('rejects an unknown option like GNU ls', () => {
    const r = box.run(['ls', '-Z']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ls: invalid option -- 'Z'\nTry 'ls --help' for more information.\n");
    const long = box.run(['ls', '--bogus']);
    expect(long.stderr).toBe("ls: unrecognized option '--bogus'\nTry 'ls --help' for more information.\n");
  });

  it('takes owner names from the container /etc/passwd', () => {
    const dir = `/own${++counter}`;
    box.write(`${dir}/f`, 'x');
    fs.chownSync(box.host(`${dir}/f`), 4242, 4343);
    box.write('/etc/passwd', `${fs.readFileSync('/etc/passwd', 'utf8')}builder:x:4242:4343::/home/builder:/bin/sh\n`);
    box.write('/etc/group', `${fs.readFileSync('/etc/group', 'utf8')}builders:x:4343:\n`);
    try {
      expect(box.run(['ls', '-l', `${dir}/f`]).stdout).toMatch(/^-rw-r--r-- 1 builder builders 1 /);
      expect(box.run(['ls', '-n', `${dir}/f`]).stdout).toMatch(/^-rw-r--r-- 1 4242 4343 1 /);
    } finally {
      fs.copyFileSync('/etc/passwd', box.host('/etc/passwd'));
      fs.copyFileSync('/etc/group', box.host('/etc/group'));
    }
  });
});

describe('stat', () => {
  /** Reads every file and link once, so that access times stop moving (relatime). */
  function settle(dir: string): void {
    box.gnu(['sh', '-c', 'cat * sub/* >/dev/null 2>&1; stat * >/dev/null 2>&1; true'], { cwd: dir });
  }

  it('default output matches GNU stat except the birth time', () => {
    const dir = tree();
    settle(dir);
    for (const name of ['small.txt', 'sub', 'link', 'empty', 'B-upper']) {
      const ours = box.run(['stat', name], { cwd: dir }).stdout.split('\n');
      const gnu = box.gnu(['stat', name], { cwd: dir }).stdout.split('\n');
      expect(ours.slice(0, 7)).toEqual(gnu.slice(0, 7));
      expect(ours[7]).toBe(' Birth: -');
    }
  });

  it('-c formats match GNU stat', () => {
    const dir = tree();
    settle(dir);
    const fmt = '%n|%s|%a|%A|%U|%G|%u|%g|%F|%i|%h|%Y|%N|%f|%X|%Z|%b|%B|%o|%-8s|%5a';
    const names = ['small.txt', 'sub', 'link', 'empty', 'big.bin', 'sub/deeper', 'B-upper', 'dangling'];
    expect(box.run(['stat', '-c', fmt, ...names], { cwd: dir }).stdout).toBe(
      box.gnu(['stat', '-c', fmt, ...names], { cwd: dir }).stdout,
    );
    expect(box.run(['stat', '-L', '-c', fmt, 'link'], { cwd: dir }).stdout).toBe(
      box.gnu(['stat', '-L', '-c', fmt, 'link'], { cwd: dir }).stdout,
    );
    expect(box.run(['stat', '--printf', '%s\\t%n\\n', 'small.txt'], { cwd: dir }).stdout).toBe('6\tsmall.txt\n');
  });

  it('reports a missing file', () => {
    const r = box.run(['stat', '/nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("stat: cannot statx '/nope': No such file or directory\n");
  });
});

describe('mkdir, rmdir, rm', () => {
  it('mkdir -p creates parents and -m sets the mode exactly', () => {
    expect(box.run(['mkdir', '-p', '/mk/a/b/c']).status).toBe(0);
    expect(fs.statSync(box.host('/mk/a/b/c')).isDirectory()).toBe(true);
    expect(box.run(['mkdir', '-m', '1777', '/mk/tmp']).status).toBe(0);
    expect(fs.statSync(box.host('/mk/tmp')).mode & 0o7777).toBe(0o1777);
    expect(box.run(['mkdir', '-m', 'u=rwx,g=rx,o=', '/mk/sym']).status).toBe(0);
    expect(fs.statSync(box.host('/mk/sym')).mode & 0o7777).toBe(0o750);
    expect(box.run(['mkdir', '-p', '/mk/a/b']).status).toBe(0);
  });

  it('mkdir reports an existing directory and a missing parent', () => {
    box.run(['mkdir', '/mkx']);
    const r = box.run(['mkdir', '/mkx', '/nope/x']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "mkdir: cannot create directory '/mkx': File exists\n" +
        "mkdir: cannot create directory '/nope/x': No such file or directory\n",
    );
  });

  it('mkdir applies the umask the host reports', () => {
    box.run(['mkdir', '/um']);
    expect(fs.statSync(box.host('/um')).mode & 0o777).toBe(0o755);
  });

  it('rmdir removes empty directories and -p their parents', () => {
    box.run(['mkdir', '-p', '/rd/a/b']);
    box.write('/rd/full/f', '');
    expect(box.run(['rmdir', '-p', '/rd/a/b']).stderr).toMatch(/failed to remove '\/rd': Directory not empty/);
    expect(fs.existsSync(box.host('/rd/a'))).toBe(false);
    const r = box.run(['rmdir', '/rd/full']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("rmdir: failed to remove '/rd/full': Directory not empty\n");
    expect(box.run(['rmdir', '--ignore-fail-on-non-empty', '/rd/full']).status).toBe(0);
  });

  it('rm removes files, needs -r for directories, and -f ignores missing files', () => {
    const dir = tree();
    let r = box.run(['rm', `${dir}/small.txt`, `${dir}/sub`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`rm: cannot remove '${dir}/sub': Is a directory\n`);
    expect(fs.existsSync(box.host(`${dir}/small.txt`))).toBe(false);
    r = box.run(['rm', `${dir}/nope`]);
    expect(r.stderr).toBe(`rm: cannot remove '${dir}/nope': No such file or directory\n`);
    expect(box.run(['rm', '-f', `${dir}/nope`]).status).toBe(0);
    expect(box.run(['rm', '-rf', dir]).status).toBe(0);
    expect(fs.existsSync(box.host(dir))).toBe(false);
  });

  it('rm keeps its safety rules', () => {
    expect(box.run(['rm', '-rf', '/']).stderr).toBe(
      "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n",
    );
    expect(fs.existsSync(box.host('/etc/passwd'))).toBe(true);
    const r = box.run(['rm', '-r', '.'], { cwd: '/etc' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("rm: refusing to remove '.' or '..' directory: skipping '.'\n");
    expect(box.run(['rm']).stderr).toBe("rm: missing operand\nTry 'rm --help' for more information.\n");
  });

  it('rm removes a symlink, not its target', () => {
    const dir = tree();
    expect(box.run(['rm', `${dir}/link`]).status).toBe(0);
    expect(fs.existsSync(box.host(`${dir}/small.txt`))).toBe(true);
  });
});

describe('cp and mv', () => {
  function listing(dir: string): string {
    return box.gnu(['ls', '-lR', '--time-style=+%s', '.'], { cwd: dir }).stdout;
  }

  it('cp -a copies a tree keeping modes, owners, times, symlinks and hard links', () => {
    const dir = tree();
    const r = box.run(['cp', '-a', dir, '/copy-a']);
    expect(r.stderr).toBe('');
    expect(listing('/copy-a')).toBe(listing(dir));
    const a = fs.statSync(box.host('/copy-a/small.txt'));
    const b = fs.statSync(box.host('/copy-a/hard'));
    expect(a.ino).toBe(b.ino);
    expect(fs.readlinkSync(box.host('/copy-a/link'))).toBe('small.txt');
  });

  it('cp -r copies symlinks as links and modes without set-id bits or times', () => {
    const dir = tree();
    expect(box.run(['cp', '-r', dir, '/copy-r']).status).toBe(0);
    expect(fs.readlinkSync(box.host('/copy-r/link'))).toBe('small.txt');
    expect(fs.statSync(box.host('/copy-r/run.sh')).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(box.host('/copy-r/B-upper')).uid).toBe(0);
    expect(fs.statSync(box.host('/copy-r/empty')).mtime.getUTCFullYear()).not.toBe(2001);
    expect(fs.readFileSync(box.host('/copy-r/big.bin'))).toEqual(Buffer.alloc(150_000, 7));
  });

  it('cp -p keeps mode and mtime of a file; plain cp follows symlinks', () => {
    const dir = tree();
    box.run(['cp', '-p', `${dir}/empty`, '/cp-p']);
    expect(fs.statSync(box.host('/cp-p')).mtime.toISOString()).toBe('2001-02-03T04:05:06.000Z');
    box.run(['cp', `${dir}/link`, '/cp-deref']);
    expect(fs.lstatSync(box.host('/cp-deref')).isFile()).toBe(true);
  });

  it('cp into a directory, and its errors', () => {
    const dir = tree();
    box.run(['mkdir', '/cpdir']);
    expect(box.run(['cp', `${dir}/small.txt`, `${dir}/run.sh`, '/cpdir']).status).toBe(0);
    expect(fs.readdirSync(box.host('/cpdir')).sort()).toEqual(['run.sh', 'small.txt']);
    let r = box.run(['cp', `${dir}/sub`, '/cpdir']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`cp: -r not specified; omitting directory '${dir}/sub'\n`);
    r = box.run(['cp', '/nope', '/cpdir']);
    expect(r.stderr).toBe("cp: cannot stat '/nope': No such file or directory\n");
    r = box.run(['cp', `${dir}/small.txt`, `${dir}/small.txt`]);
    expect(r.stderr).toBe(`cp: '${dir}/small.txt' and '${dir}/small.txt' are the same file\n`);
    r = box.run(['cp', 'a', 'b', `${dir}/small.txt`]);
    expect(r.stderr).toBe(`cp: target '${dir}/small.txt' is not a directory\n`);
    r = box.run(['cp', '-r', dir, `${dir}/sub`]);
    expect(r.stderr).toContain('into itself');
  });

  it('mv renames files and moves them into directories', () => {
    const dir = tree();
    expect(box.run(['mv', `${dir}/small.txt`, `${dir}/renamed`]).status).toBe(0);
    expect(fs.readFileSync(box.host(`${dir}/renamed`), 'utf8')).toBe('hello\n');
    expect(box.run(['mv', `${dir}/renamed`, `${dir}/run.sh`, `${dir}/sub`]).status).toBe(0);
    expect(fs.readdirSync(box.host(`${dir}/sub`)).sort()).toEqual(['deeper', 'inner.txt', 'renamed', 'run.sh']);
    const r = box.run(['mv', `${dir}/nope`, `${dir}/x`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`mv: cannot stat '${dir}/nope': No such file or directory\n`);
    expect(box.run(['mv', `${dir}/sub`, `${dir}/sub/deeper`]).status).toBe(1);
  });
});

describe('ln and touch', () => {
  it('ln -s makes symlinks, ln hard links, -f replaces', () => {
    box.write('/ln/target', 'data');
    expect(box.run(['ln', '-s', 'target', '/ln/sym']).status).toBe(0);
    expect(fs.readlinkSync(box.host('/ln/sym'))).toBe('target');
    expect(box.run(['ln', '/ln/target', '/ln/hard']).status).toBe(0);
    expect(fs.statSync(box.host('/ln/hard')).ino).toBe(fs.statSync(box.host('/ln/target')).ino);
    const r = box.run(['ln', '-s', 'other', '/ln/sym']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("ln: failed to create symbolic link '/ln/sym': File exists\n");
    expect(box.run(['ln', '-sf', 'other', '/ln/sym']).status).toBe(0);
    expect(fs.readlinkSync(box.host('/ln/sym'))).toBe('other');
    expect(box.run(['ln', '-s', '/ln/target', '/ln']).status).toBe(1);
    box.run(['mkdir', '/ln/d']);
    expect(box.run(['ln', '-s', '../target', '/ln/d']).status).toBe(0);
    expect(fs.readlinkSync(box.host('/ln/d/target'))).toBe('../target');
  });

  it('touch creates files and sets times from -d, -t and -r', () => {
    expect(box.run(['touch', '/touched']).status).toBe(0);
    expect(fs.existsSync(box.host('/touched'))).toBe(true);
    box.run(['touch', '-d', '2020-05-06 07:08:09', '/touched']);
    expect(fs.statSync(box.host('/touched')).mtime.toISOString()).toBe('2020-05-06T07:08:09.000Z');
    box.run(['touch', '-d', '@86400', '/touched']);
    expect(fs.statSync(box.host('/touched')).mtime.toISOString()).toBe('1970-01-02T00:00:00.000Z');
    box.run(['touch', '-t', '199912312359.30', '/touched2']);
    expect(fs.statSync(box.host('/touched2')).mtime.toISOString()).toBe('1999-12-31T23:59:30.000Z');
    box.run(['touch', '-r', '/touched', '/touched2']);
    expect(fs.statSync(box.host('/touched2')).mtimeMs).toBe(fs.statSync(box.host('/touched')).mtimeMs);
    box.run(['touch', '-c', '/not-created']);
    expect(fs.existsSync(box.host('/not-created'))).toBe(false);
    const r = box.run(['touch', '/nope/x']);
    expect(r.stderr).toBe("touch: cannot touch '/nope/x': No such file or directory\n");
    expect(box.run(['touch', '-d', 'yesterday-ish', '/x']).stderr).toBe("touch: invalid date format 'yesterday-ish'\n");
  });
});

describe('chmod and chown', () => {
  it.each([
    ['755'],
    ['0600'],
    ['u+x'],
    ['go-r'],
    ['a=r,u+w'],
    ['u=rwx,g=u-w,o='],
    ['+t'],
    ['g+s'],
    ['o+X'],
    ['a-x'],
    ['=r'],
  ])('chmod %s matches GNU chmod', (mode) => {
    const dir = tree();
    box.run(['cp', '-a', dir, `${dir}-gnu`]);
    const ours = box.run(['chmod', mode, 'small.txt', 'run.sh', 'sub', 'B-upper'], { cwd: dir });
    box.gnu(['chmod', mode, 'small.txt', 'run.sh', 'sub', 'B-upper'], { cwd: `${dir}-gnu` });
    expect(ours.status).toBe(0);
    const modes = (d: string) => box.gnu(['stat', '-c', '%n %a', 'small.txt', 'run.sh', 'sub', 'B-upper'], { cwd: d }).stdout;
    expect(modes(dir)).toBe(modes(`${dir}-gnu`));
  });

  it('chmod -R changes a tree but not what symlinks point to', () => {
    const dir = tree();
    fs.symlinkSync('/etc/passwd', box.host(`${dir}/sub/outside`));
    expect(box.run(['chmod', '-R', 'go-rwx', dir]).status).toBe(0);
    const modes = box.gnu(['find', '.', '-printf', '%p %m\n'], { cwd: dir }).stdout;
    expect(modes).toContain('./sub/deeper/leaf 600');
    expect(modes).toContain('./sub 700');
    expect(fs.statSync(box.host('/etc/passwd')).mode & 0o777).toBe(0o644);
  });

  it('chmod reports bad modes and missing files', () => {
    let r = box.run(['chmod', 'u+q', '/etc']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("chmod: invalid mode: 'u+q'\nTry 'chmod --help' for more information.\n");
    r = box.run(['chmod', '644', '/nope']);
    expect(r.stderr).toBe("chmod: cannot access '/nope': No such file or directory\n");
  });

  it('chown accepts names, numbers, user:group, :group and -R', () => {
    const dir = tree();
    expect(box.run(['chown', '1:2', `${dir}/small.txt`]).status).toBe(0);
    let st = fs.statSync(box.host(`${dir}/small.txt`));
    expect([st.uid, st.gid]).toEqual([1, 2]);
    expect(box.run(['chown', 'root', `${dir}/small.txt`]).status).toBe(0);
    st = fs.statSync(box.host(`${dir}/small.txt`));
    expect([st.uid, st.gid]).toEqual([0, 2]);
    expect(box.run(['chown', ':root', `${dir}/small.txt`]).status).toBe(0);
    expect(fs.statSync(box.host(`${dir}/small.txt`)).gid).toBe(0);
    expect(box.run(['chown', '-R', '7:8', `${dir}/sub`]).status).toBe(0);
    st = fs.statSync(box.host(`${dir}/sub/deeper/leaf`));
    expect([st.uid, st.gid]).toEqual([7, 8]);
    expect(box.run(['chown', '-h', '9', `${dir}/link`]).status).toBe(0);
    expect(fs.lstatSync(box.host(`${dir}/link`)).uid).toBe(9);
    expect(fs.statSync(box.host(`${dir}/link`)).uid).not.toBe(9);
    expect(box.run(['chgrp', '5', `${dir}/empty`]).status).toBe(0);
    expect(fs.statSync(box.host(`${dir}/empty`)).gid).toBe(5);
  });

  it('chown is refused to a user other than root, and unknown names are errors', () => {
    const dir = tree();
    let r = box.run(['chown', '1', `${dir}/small.txt`], { uid: 1000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`chown: changing ownership of '${dir}/small.txt': Operation not permitted\n`);
    r = box.run(['chown', 'nosuchuser', `${dir}/small.txt`]);
    expect(r.stderr).toBe("chown: invalid user: 'nosuchuser'\n");
    r = box.run(['chown', 'root:nosuchgroup', `${dir}/small.txt`]);
    expect(r.stderr).toBe("chown: invalid group: 'root:nosuchgroup'\n");
  });
});

describe('find', () => {
  it.each([
    [[]],
    [['-name', '*.txt']],
    [['-iname', 'b-*']],
    [['-type', 'd']],
    [['-type', 'l']],
    [['-type', 'f', '-size', '+10k']],
    [['-maxdepth', '1']],
    [['-mindepth', '2']],
    [['-mindepth', '1', '-maxdepth', '2', '-type', 'f']],
    [['-empty']],
    [['-path', './sub/*']],
    [['!', '-name', '*.txt', '-type', 'f']],
    [['(', '-name', 'leaf', '-o', '-name', 'empty', ')', '-print']],
    [['-name', 'sub', '-prune', '-o', '-print']],
    [['-perm', '-4000']],
    [['-user', 'root', '-type', 'f', '-links', '2']],
  ])('find . %j matches GNU find (sorted)', (expr) => {
    const dir = tree();
    const ours = box.run(['find', '.', ...expr], { cwd: dir });
    const gnu = box.gnu(['find', '.', ...expr], { cwd: dir });
    expect(ours.stderr).toBe('');
    expect(ours.stdout.split('\n').sort()).toEqual(gnu.stdout.split('\n').sort());
  });

  it('visits entries in byte order, depth-first with -depth', () => {
    const dir = tree();
    const lines = box.run(['find', 'sub'], { cwd: dir }).stdout;
    expect(lines).toBe('sub\nsub/deeper\nsub/deeper/leaf\nsub/inner.txt\n');
    expect(box.run(['find', 'sub', '-depth'], { cwd: dir }).stdout).toBe('sub/deeper/leaf\nsub/deeper\nsub/inner.txt\nsub\n');
  });

  it('-exec runs commands through spawn, with ; and +', () => {
    const dir = tree();
    const one = box.run(['find', 'sub', '-type', 'f', '-exec', 'cat', '{}', ';'], { cwd: dir });
    expect(one.stdout).toBe('leafinner\n');
    const many = box.run(['find', 'sub', '-type', 'f', '-exec', 'echo', 'files:', '{}', '+'], { cwd: dir });
    expect(many.stdout).toBe('files: sub/deeper/leaf sub/inner.txt\n');
  });

  it('-delete removes what matches', () => {
    const dir = tree();
    expect(box.run(['find', '.', '-name', '*.txt', '-delete'], { cwd: dir }).status).toBe(0);
    expect(box.gnu(['find', '.', '-name', '*.txt'], { cwd: dir }).stdout).toBe('');
  });

  it('reports missing starting points and bad predicates', () => {
    let r = box.run(['find', '/nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("find: '/nope': No such file or directory\n");
    r = box.run(['find', '.', '-bogus']);
    expect(r.stderr).toBe("find: unknown predicate `-bogus'\n");
    r = box.run(['find', '.', '-name']);
    expect(r.stderr).toBe("find: missing argument to `-name'\n");
  });
});

describe('du and df', () => {
  it.each([[[]], [['-s']], [['-a']], [['-sh']], [['-ah']], [['-d', '1']], [['-c', 'sub', 'small.txt']]])(
    'du %j matches GNU du',
    (args) => {
      const dir = tree();
      // Which name of a hard-linked file du counts depends on directory order (GNU du
      // reads directories unsorted); the hard-link rule has its own test below.
      fs.unlinkSync(box.host(`${dir}/hard`));
      const ours = box.run(['du', ...args], { cwd: dir });
      const gnu = box.gnu(['du', ...args], { cwd: dir });
      expect(ours.stdout.split('\n').sort()).toEqual(gnu.stdout.split('\n').sort());
    },
  );

  it('du counts a hard-linked file once', () => {
    const dir = `/dulink${++counter}`;
    box.write(`${dir}/a`, Buffer.alloc(10_000, 1));
    fs.linkSync(box.host(`${dir}/a`), box.host(`${dir}/b`));
    expect(box.run(['du', '-s', dir]).stdout).toBe(`16\t${dir}\n`);
  });

  it('df prints the sizes that statfs reports, in 1K blocks', () => {
    const statfs: { blocks: number; free: number }[] = [];
    const r = box.run(['df', '/'], { statfs });
    expect(r.status).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^Filesystem +1K-blocks +Used +Available +Use% +Mounted on$/);
    const cols = row!.split(/ +/);
    expect(statfs).toHaveLength(1);
    expect(Number(cols[1])).toBe(statfs[0]!.blocks);
    expect(Number(cols[3])).toBe(statfs[0]!.free);
    const used = statfs[0]!.blocks - statfs[0]!.free;
    expect(cols[4]).toBe(`${Math.ceil((used * 100) / statfs[0]!.blocks)}%`);
    expect(Number(cols[2])).toBe(Number(cols[1]) - Number(cols[3]));
    expect(cols[5]).toBe('/');
    // Without operands, the mounts listed in the host's /proc/mounts.
    box.write('/proc/mounts', 'overlay / overlay rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n');
    box.run(['mkdir', '-p', '/tmp']);
    const all = box.run(['df']).stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/));
    expect(all.map((cols) => [cols[0], cols[5]])).toEqual([['overlay', '/'], ['tmpfs', '/tmp']]);
    fs.rmSync(box.host('/proc'), { recursive: true });
    expect(box.run(['df', '-h', '/']).stdout).toMatch(/^Filesystem +Size +Used +Avail +Use% +Mounted on\n\S+ +[\d.]+[KMGT] /);
  });
});
