// The WASI host on the test's own thread, over a real Vfs: file semantics, directory
// cookies, errno mapping, umask, permissions, terminals and the layerbox imports.
import { beforeAll, describe, expect, it } from 'vitest';
import { WASIProcExit, WasiHost } from '../../../shared/wasi/index.ts';
import { errnoOf, errnoFromName, E } from '../../../shared/wasi/errno.ts';
import { FsError } from '../../../shared/unionfs/fs-error.ts';
import type { Cred } from '../../../shared/vfs/index.ts';
import { addDevices, makeVfs, mkdirp, put, readText } from '../process/helpers.ts';
import { lbtest } from './fixtures/build.ts';
import { localSystem } from './local-system.ts';
import { WA, type WasmModule } from '../../../shared/process/wasm-api.ts';

let mod: WasmModule;
beforeAll(async () => {
  mod = await WA.compile(await lbtest());
}, 120_000);

function setup() {
  const fs = makeVfs();
  addDevices(fs);
  mkdirp(fs, '/tmp', 0o1777);
  mkdirp(fs, '/root', 0o700);
  mkdirp(fs, '/home/user', 0o755, 1000, 1000);
  return fs;
}

function run(fs: ReturnType<typeof makeVfs>, args: string[], o: { cred?: Cred; stdin?: string; tty?: boolean; env?: string[] } = {}) {
  const sys = localSystem(fs, o.stdin ?? '');
  const stream = (id: number) => ({ kind: 'stream' as const, stream: { id, tty: o.tty ?? false } });
  const host = new WasiHost({
    args: ['lbtest', ...args], env: o.env ?? [], sys, cred: o.cred ?? { uid: 0, gid: 0 },
    stdio: [stream(0), stream(1), stream(2)], ...(o.tty ? { terminal: { input: 0, output: 1 } } : {}),
  });
  const instance = new WA.Instance(mod, host.imports());
  let status: number;
  try {
    status = host.start(instance as never);
  } catch (e) {
    if (!(e instanceof WASIProcExit)) throw e;
    status = e.code;
  }
  return { status, out: sys.stdout(), err: sys.stderr() };
}

describe('WASI host', () => {
  it('passes arguments (UTF-8) and the exit status', () => {
    const fs = setup();
    expect(run(fs, ['args', 'héllo', 'wörld ✓'])).toMatchObject({ status: 0, out: '[lbtest][args][héllo][wörld ✓]\n' });
    expect(run(fs, ['exit', '42']).status).toBe(42);
  });

  it('reads stdin to its end', () => {
    expect(run(setup(), ['cat'], { stdin: 'line one\nline two\n' }).out).toBe('line one\nline two\n');
  });

  it('gives files POSIX semantics: seek, pread/pwrite, truncate, holes, append, read-only fds', () => {
    const fs = setup();
    const r = run(fs, ['fileio', '/tmp/f']);
    expect(r.out).toBe([
      'end=11 read=world',
      'pread=HELLO world pos=11',
      'size=5',
      'hole size=9 byte5=0 byte8=X',
      'after append n=10 last=!',
      'write on O_RDONLY: Bad file descriptor',
      '',
    ].join('\n'));
    expect(readText(fs, '/tmp/f')).toBe('HELLO\0\0\0X!');
  });

  it('creates, links, renames and removes, with the errno of each failure', () => {
    const fs = setup();
    expect(run(fs, ['ops', '/tmp']).out).toBe([
      'mkdir again: File exists',
      'readlink=f',
      'readlink short=1',
      'nlink=2',
      'old exists=0',
      'rmdir nonempty: Directory not empty',
      'unlink missing: No such file or directory',
      '',
    ].join('\n'));
  });

  it('lists directories with . and .. and cookies that seekdir can return to', () => {
    const fs = setup();
    for (const n of ['a', 'b', 'c', 'd']) put(fs, `/tmp/d/${n}`, n);
    const ls = run(fs, ['ls', '/tmp/d']).out.split('\n').filter(Boolean);
    expect(ls).toEqual(['./', '../', 'a', 'b', 'c', 'd']);
    // After . and .., remember the place at 'a', read on, seek back: 'a' again; 3 after it.
    expect(run(fs, ['seekdir', '/tmp/d']).out).toBe('a a 3\nall 6\n');
  });

  it('applies the umask to created files and directories', () => {
    const fs = setup();
    expect(run(fs, ['umask', '027', '/tmp']).out).toBe('old=22 file=640 dir=750\n');
    expect(fs.stat(fs.lookup({ uid: 0, gid: 0 }, 1, '/tmp/file', true)).mode).toBe(0o640);
  });

  it('enforces permissions for the caller: uid 1000 cannot write /root', () => {
    const fs = setup();
    const user = { uid: 1000, gid: 1000 };
    expect(run(fs, ['write', '/root/x', 'data'], { cred: user })).toMatchObject({ status: 1, out: 'error: /root/x: Permission denied\n' });
    expect(run(fs, ['write', '/home/user/x', 'data'], { cred: user }).status).toBe(0);
    expect(run(fs, ['stat', '/home/user/x'], { cred: user }).out).toBe('mode=100644 uid=1000 gid=1000 size=4 nlink=1\n');
    expect(run(fs, ['write', '/root/x', 'data']).status).toBe(0);
  });

  it('chmod and chown through the layerbox imports, with Linux rules', () => {
    const fs = setup();
    put(fs, '/tmp/mine', 'x', { mode: 0o644, uid: 1000, gid: 1000 });
    const user = { uid: 1000, gid: 1000 };
    expect(run(fs, ['chmod', '/tmp/mine', '600'], { cred: user }).status).toBe(0);
    expect(run(fs, ['chown', '/tmp/mine', '0', '0'], { cred: user }).out).toBe('error: chown: Operation not permitted\n');
    expect(run(fs, ['chown', '/tmp/mine', '5', '-1']).status).toBe(0);
    expect(run(fs, ['stat', '/tmp/mine']).out).toBe('mode=100600 uid=5 gid=1000 size=1 nlink=1\n');
  });

  it('reports a terminal as a character device, and a pipe as not a tty', () => {
    const fs = setup();
    expect(run(fs, ['isatty'], { tty: true }).out).toBe('1 1 1\n');
    expect(run(fs, ['isatty']).out).toBe('0 0 0\n');
    expect(run(fs, ['fdstat', '0'], { tty: true }).out).toBe('mode=20620 rdev=136,0\n');
    expect(run(fs, ['fdstat', '1']).out).toBe('mode=10600 rdev=0,0\n');
  });

  it('gives /dev/null and /dev/urandom their behaviour', () => {
    expect(run(setup(), ['rand']).out).toBe('urandom n=16 allzero=0\nnull write=3\n');
  });

  it('sleeps through poll_oneoff for at least the time asked', () => {
    expect(run(setup(), ['sleep', '20']).out).toBe('slept enough\n');
  });

  it('uses PWD as the working directory', () => {
    const fs = setup();
    expect(run(fs, ['pwd'], { env: ['PWD=/home/user'] }).out).toBe('/home/user\n');
  });

  it('maps filesystem error codes to WASI errnos', () => {
    expect(errnoOf(new FsError('ENOENT', '/x'))).toBe(E.NOENT);
    expect(errnoOf(new FsError('EACCES', '/x'))).toBe(E.ACCES);
    expect(errnoOf(new FsError('ENOTEMPTY', '/x'))).toBe(E.NOTEMPTY);
    expect(errnoOf(new FsError('EROFS', '/x'))).toBe(E.ROFS);
    expect(errnoOf(new Error('other'))).toBe(E.IO);
    expect(errnoFromName('EXDEV')).toBe(75);
  });
});
