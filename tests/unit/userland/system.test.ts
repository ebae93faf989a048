// The multi-call entry point and the process/system applets of the userland: env,
// printenv, xargs (through `spawn`), test, date, uname, hostname, id, whoami, which,
// ps (over a synthetic /proc), kill, sleep, pwd, basename, dirname and the sh stub.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox, WA, WASM_PATH } from './harness.ts';

// Each test runs a few dozen short programs; the machine is shared, so allow time.
vi.setConfig({ testTimeout: 30_000 });

let box: Sandbox;

beforeAll(async () => {
  box = await Sandbox.create();
}, 180_000);

afterAll(() => box?.dispose());

describe('the multi-call program', () => {
  it('dispatches on the basename of argv[0], or on the first argument', () => {
    expect(box.run(['/bin/echo', 'hi']).stdout).toBe('hi\n');
    expect(box.run(['box', 'echo', 'hi']).stdout).toBe('hi\n');
    expect(box.run(['/usr/bin/userland.wasm', 'true']).status).toBe(0);
    const r = box.run(['box', 'nosuch']);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('box: applet not found: nosuch\n');
  });

  it('lists its applets, and the list matches the layerbox.applets section', () => {
    const names = box.run(['box', '--list']).stdout.split('\n').filter(Boolean);
    for (const a of ['sh', 'ls', 'tar', 'sed', '[', 'xargs', 'ps', 'kill', 'sha256sum']) expect(names).toContain(a);
    const module = new WA.Module(fs.readFileSync(WASM_PATH));
    const section = WA.Module.customSections(module, 'layerbox.applets');
    expect(Buffer.from(section[0]!).toString('utf8').split('\n').filter(Boolean)).toEqual(names);
    expect(box.run(['box', '--help']).stdout).toContain('Applets:');
  });

  it('declares sh as a host applet; the stub exits 126 where the host does not run it', () => {
    const module = new WA.Module(fs.readFileSync(WASM_PATH));
    const section = WA.Module.customSections(module, 'layerbox.host-applets');
    expect(section).toHaveLength(1);
    expect(Buffer.from(section[0]!).toString('utf8').split('\n')).toEqual(['sh']);
    const r = box.run(['sh', '-c', 'echo hi']);
    expect(r.status).toBe(126);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^sh: /);
  });

  it('imports only WASI preview1 and the layerbox functions of the ABI', () => {
    const module = new WA.Module(fs.readFileSync(WASM_PATH));
    const abi = ['stat_ext', 'fd_stat_ext', 'chmod', 'chown', 'umask', 'getuid', 'getgid', 'getpid', 'getppid', 'kill', 'spawn', 'statfs'];
    for (const imp of WA.Module.imports(module)) {
      expect(['wasi_snapshot_preview1', 'layerbox']).toContain(imp.module);
      if (imp.module === 'layerbox') expect(abi).toContain(imp.name);
    }
    expect(WA.Module.exports(module).map((e) => e.name).sort()).toEqual(['_start', 'memory']);
  });

  it('every applet answers --help on stdout with status 0', () => {
    const names = box.run(['box', '--list']).stdout.split('\n').filter(Boolean);
    for (const name of names) {
      if (name === 'test') continue; // `test --help` is a one-argument expression
      const r = box.run([name, '--help']);
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toMatch(/^Usage: /);
    }
    expect(box.run(['test', '--help']).status).toBe(0);
    expect(box.run(['ls', '--version']).stdout).toMatch(/^ls \(layerbox userland\) /);
  });

  it('runs in the working directory the host passes as PWD', () => {
    box.write('/work/here/f', 'x');
    expect(box.run(['pwd'], { cwd: '/work/here' }).stdout).toBe('/work/here\n');
    expect(box.run(['ls'], { cwd: '/work/here' }).stdout).toBe('f\n');
    expect(box.run(['cat', '../here/f'], { cwd: '/work/here' }).stdout).toBe('x');
  });
});

describe('env, printenv and xargs', () => {
  it('env prints the environment and runs commands with changes', () => {
    const env = { FOO: 'bar', EMPTY: '' };
    expect(box.run(['env'], { env }).stdout.split('\n')).toEqual(expect.arrayContaining(['FOO=bar', 'EMPTY=']));
    expect(box.run(['env', 'A=1', 'printenv', 'A'], { env }).stdout).toBe('1\n');
    expect(box.run(['env', '-u', 'FOO', 'printenv', 'FOO'], { env }).status).toBe(1);
    expect(box.run(['env', '-i', 'B=2', 'env']).stdout).toBe('B=2\n');
    expect(box.run(['env', 'false']).status).toBe(1);
  });

  it('env reports a command that cannot be found with 127', () => {
    const r = box.run(['env', 'no-such-command']);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe("env: 'no-such-command': No such file or directory\n");
    expect(box.run(['env', '--bogus']).status).toBe(125);
  });

  it('printenv prints values and fails for unset names', () => {
    const r = box.run(['printenv', 'HOME', 'NOPE', 'PATH'], { env: { HOME: '/root', PATH: '/bin' } });
    expect(r.stdout).toBe('/root\n/bin\n');
    expect(r.status).toBe(1);
  });

  it('xargs batches items into command lines', () => {
    expect(box.run(['xargs'], { stdin: 'a b\nc\n' }).stdout).toBe('a b c\n');
    expect(box.run(['xargs', '-n', '2', 'echo', '>'], { stdin: 'a b c d e' }).stdout).toBe('> a b\n> c d\n> e\n');
    expect(box.run(['xargs', '-I', '{}', 'echo', '[{}]'], { stdin: 'one\n two three\n' }).stdout).toBe(
      '[one]\n[two three]\n',
    );
    expect(box.run(['xargs', '-0', 'echo'], { stdin: 'x y\0z\0' }).stdout).toBe('x y z\n');
    expect(box.run(['xargs', 'echo'], { stdin: `'quoted arg' "and another" back\\ slash` }).stdout).toBe(
      'quoted arg and another back slash\n',
    );
    expect(box.run(['xargs', '-r', 'echo', 'never'], { stdin: '\n' }).stdout).toBe('');
    expect(box.run(['xargs', 'echo', 'empty'], { stdin: '' }).stdout).toBe('empty\n');
    expect(box.run(['xargs', '-L', '1', 'echo'], { stdin: 'a b\nc\n' }).stdout).toBe('a b\nc\n');
  });

  it('xargs exit status follows GNU: 123 for failures, 127 for a missing command', () => {
    expect(box.run(['xargs', 'false'], { stdin: 'x' }).status).toBe(123);
    const r = box.run(['xargs', 'nosuch'], { stdin: 'x' });
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('xargs: nosuch: No such file or directory\n');
    const t = box.run(['xargs', '-t', 'echo'], { stdin: 'v' });
    expect(t.stderr).toBe('echo v\n');
  });
});

describe('test and [', () => {
  it.each([
    [['-e', '/etc/passwd'], 0],
    [['-f', '/etc'], 1],
    [['-d', '/etc'], 0],
    [['-s', '/etc/passwd'], 0],
    [['-z', ''], 0],
    [['-n', ''], 1],
    [['abc'], 0],
    [[''], 1],
    [[], 1],
    [['a', '=', 'a'], 0],
    [['a', '!=', 'a'], 1],
    [['5', '-gt', '3'], 0],
    [['5', '-le', '3'], 1],
    [['!', '-e', '/nope'], 0],
    [['-e', '/etc', '-a', '-e', '/nope'], 1],
    [['-e', '/etc', '-o', '-e', '/nope'], 0],
    [['(', '1', '-eq', '1', ')'], 0],
    [['!', '(', 'a', '=', 'b', ')', '-a', 'x'], 0],
    [['-x', '/bin-sh'], 0],
    [['-x', '/etc/passwd'], 1],
    [['-L', '/lnk'], 0],
    [['-h', '/etc'], 1],
    [['b', '>', 'a'], 0],
  ])('test %j exits %i', (args, status) => {
    if (!fs.existsSync(box.host('/bin-sh'))) {
      box.write('/bin-sh', '#!', 0o755);
      fs.symlinkSync('etc', box.host('/lnk'));
    }
    expect(box.run(['test', ...args]).status).toBe(status);
    expect(box.run(['[', ...args, ']']).status).toBe(status);
  });

  it('reports errors with status 2', () => {
    let r = box.run(['[', '1', '-eq', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("[: missing ']'\n");
    r = box.run(['test', 'x', '-eq', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("test: invalid integer 'x'\n");
    r = box.run(['test', '-q', 'x']);
    expect(r.status).toBe(2);
  });

  it('checks permissions for the process uid from the host', () => {
    box.write('/private', 'x', 0o600);
    expect(box.run(['test', '-r', '/private']).status).toBe(0);
    const user = { uid: 1000, gid: 1000 };
    expect(box.run(['test', '-r', '/private'], user).status).toBe(1);
    expect(box.run(['test', '-w', '/private'], user).status).toBe(1);
    box.write('/public', 'x', 0o604);
    expect(box.run(['test', '-r', '/public'], user).status).toBe(0);
    // Group bits apply before the others': gid 0 is the file's group here.
    expect(box.run(['test', '-r', '/public'], { uid: 1000, gid: 0 }).status).toBe(1);
  });

  it('true and false', () => {
    expect(box.run(['true', 'ignored']).status).toBe(0);
    expect(box.run(['false']).status).toBe(1);
  });
});

describe('date, sleep, uname, hostname', () => {
  it.each([
    [['-u', '-d', '@0']],
    [['-u', '-d', '@1700000000', '+%Y-%m-%d %H:%M:%S %Z %z %s %j %a %A %b %B %e %p']],
    [['-u', '-d', '2024-02-29 13:14:15', '+%F %T %N']],
    [['-u', '-d', '@1700000000.123456789', '+%s.%N %3N']],
    [['-u', '-d', '@86399', '+%-H|%_H|%-d|%^a']],
    [['-u', '-d', '@1700000000', '-I']],
    [['-u', '-d', '@1700000000', '-Iseconds']],
    [['-u', '-d', '@1700000000', '-R']],
  ])('date %j matches GNU date', (args) => {
    const ours = box.run(['date', ...args]);
    const gnu = box.gnu(['date', ...args]);
    expect(ours.stdout).toBe(gnu.stdout);
  });

  it('date without -d prints the clock, and rejects bad dates', () => {
    const before = Math.floor(Date.now() / 1000);
    const printed = Number(box.run(['date', '+%s']).stdout);
    const after = Math.ceil(Date.now() / 1000);
    expect(printed).toBeGreaterThanOrEqual(before);
    expect(printed).toBeLessThanOrEqual(after);
    const r = box.run(['date', '-d', 'next blue moon']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("date: invalid date 'next blue moon'\n");
  });

  it('sleep waits through poll_oneoff, and rejects bad intervals', () => {
    const start = process.hrtime.bigint();
    expect(box.run(['sleep', '0.2']).status).toBe(0);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeGreaterThanOrEqual(190);
    const r = box.run(['sleep', 'x']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
  });

  it('uname and hostname read the host /proc', () => {
    box.write('/proc/sys/kernel/hostname', 'box-host\n');
    box.write('/proc/sys/kernel/ostype', 'Linux\n');
    box.write('/proc/sys/kernel/osrelease', '6.1.0-layerbox\n');
    box.write('/proc/version', 'Linux version 6.1.0-layerbox (layerbox) #1 SMP\n');
    expect(box.run(['uname']).stdout).toBe('Linux\n');
    expect(box.run(['uname', '-n']).stdout).toBe('box-host\n');
    expect(box.run(['uname', '-r', '-s']).stdout).toBe('Linux 6.1.0-layerbox\n');
    expect(box.run(['uname', '-m']).stdout).toBe('wasm32\n');
    expect(box.run(['uname', '-a']).stdout).toBe('Linux box-host 6.1.0-layerbox #1 SMP wasm32 GNU/Linux\n');
    expect(box.run(['hostname']).stdout).toBe('box-host\n');
    fs.rmSync(box.host('/proc'), { recursive: true });
  });
});

describe('id, whoami, which', () => {
  it('id and whoami report the uid and gid the host gives', () => {
    expect(box.run(['id']).stdout).toBe(box.gnu(['id', 'root']).stdout);
    expect(box.run(['whoami']).stdout).toBe('root\n');
    expect(box.run(['id', '-u']).stdout).toBe('0\n');
    expect(box.run(['id', '-un']).stdout).toBe('root\n');
    expect(box.run(['id', '-g'], { gid: 1 }).stdout).toBe('1\n');
    expect(box.run(['id', '-u'], { uid: 4321 }).stdout).toBe('4321\n');
    expect(box.run(['id'], { uid: 4321, gid: 4321 }).stdout).toBe('uid=4321 gid=4321 groups=4321\n');
    const r = box.run(['whoami'], { uid: 4321 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('whoami: cannot find name for user ID 4321\n');
  });

  it('id USER matches GNU id for users of /etc/passwd', () => {
    for (const user of ['root', 'daemon', 'nobody']) {
      expect(box.run(['id', user]).stdout).toBe(box.gnu(['id', user]).stdout);
      expect(box.run(['id', '-G', user]).stdout).toBe(box.gnu(['id', '-G', user]).stdout);
    }
    expect(box.run(['id', 'nosuchuser']).stderr).toBe("id: 'nosuchuser': no such user\n");
  });

  it('which searches PATH for executable files', () => {
    box.write('/opt/a/tool', '#!', 0o755);
    box.write('/opt/b/tool', '#!', 0o755);
    box.write('/opt/b/data', 'x', 0o644);
    const env = { PATH: '/opt/a:/opt/b' };
    expect(box.run(['which', 'tool'], { env }).stdout).toBe('/opt/a/tool\n');
    expect(box.run(['which', '-a', 'tool'], { env }).stdout).toBe('/opt/a/tool\n/opt/b/tool\n');
    const r = box.run(['which', 'data', 'tool'], { env });
    expect(r.stdout).toBe('/opt/a/tool\n');
    expect(r.status).toBe(1);
  });

  it('basename and dirname match GNU', () => {
    const cases = [['/usr/lib/'], ['/'], ['a'], ['a/b'], ['//x//y//'], ['file.tar.gz', '.gz'], ['-a', 'x/y', 'z/w'], ['-s', '.c', 'a.c', 'b.c']];
    for (const args of cases) expect(box.run(['basename', ...args]).stdout).toBe(box.gnu(['basename', ...args]).stdout);
    const dirs = ['/usr/lib/', '/', 'a', 'a/b', '//x//y//', '/a'];
    expect(box.run(['dirname', ...dirs]).stdout).toBe(box.gnu(['dirname', ...dirs]).stdout);
    expect(box.run(['basename']).stderr).toBe("basename: missing operand\nTry 'basename --help' for more information.\n");
  });
});

describe('ps and kill', () => {
  function proc(pid: number, ppid: number, uid: number, name: string, cmdline: string[], ticks: number): void {
    box.write(`/proc/${pid}/status`, `Name:\t${name}\nState:\tS (sleeping)\nPid:\t${pid}\nPPid:\t${ppid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t0\t0\t0\t0\nVmRSS:\t    1234 kB\n`);
    box.write(`/proc/${pid}/cmdline`, cmdline.map((a) => `${a}\0`).join(''));
    box.write(`/proc/${pid}/stat`, `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 0 0 0\n`);
  }

  it('ps prints PID USER TIME COMMAND in busybox layout', () => {
    proc(1, 0, 0, 'sh', ['/bin/sh', '-c', 'sleep 100'], 250);
    proc(12, 1, 1, 'sleep', ['sleep', '100'], 6100);
    proc(7, 1, 4321, 'kworker', [], 0);
    box.write('/proc/uptime', '100.0 50.0\n');
    box.write('/proc/self', '');
    const r = box.run(['ps']);
    expect(r.stdout).toBe(
      'PID   USER     TIME  COMMAND\n' +
        '    1 root      0:02 /bin/sh -c sleep 100\n' +
        '    7 4321      0:00 [kworker]\n' +
        '   12 daemon    1:01 sleep 100\n',
    );
    expect(box.run(['ps', '-o', 'pid,ppid,comm']).stdout).toBe(
      'PID   PPID  COMMAND\n    1     0 sh\n    7     1 kworker\n   12     1 sleep\n',
    );
    expect(box.run(['ps', 'aux']).stdout).toBe(r.stdout);
    fs.rmSync(box.host('/proc'), { recursive: true });
  });

  it('kill sends Linux signal numbers through the host', () => {
    const signals: { pid: number; sig: number }[] = [];
    const opts = { pids: [5, 6], signals };
    expect(box.run(['kill', '5'], opts).status).toBe(0);
    expect(box.run(['kill', '-9', '6'], opts).status).toBe(0);
    expect(box.run(['kill', '-s', 'HUP', '5', '6'], opts).status).toBe(0);
    expect(box.run(['kill', '-SIGUSR1', '5'], opts).status).toBe(0);
    expect(box.run(['kill', '-0', '5'], opts).status).toBe(0);
    expect(signals).toEqual([
      { pid: 5, sig: 15 },
      { pid: 6, sig: 9 },
      { pid: 5, sig: 1 },
      { pid: 6, sig: 1 },
      { pid: 5, sig: 10 },
    ]);
    const r = box.run(['kill', '99'], opts);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('kill: sending signal to 99 failed: No such process\n');
    expect(box.run(['kill', '-s', 'NOPE', '5'], opts).stderr).toBe("kill: 'NOPE': invalid signal\n");
  });

  it('kill -l lists and converts signal names like procps kill', () => {
    expect(box.run(['kill', '-l', '9', '15', 'TERM']).stdout).toBe('KILL\nTERM\n15\n');
    const all = box.run(['kill', '-l']).stdout.split('\n').filter(Boolean);
    expect(all.slice(0, 3)).toEqual(['HUP', 'INT', 'QUIT']);
    expect(all).toContain('CHLD');
    expect(box.run(['kill', '-l', '137']).stdout).toBe('KILL\n');
  });
});
