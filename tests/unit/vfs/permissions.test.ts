import { describe, expect, it } from 'vitest';
import { ROOT_INO, type Cred } from '../../../shared/vfs/index.ts';
import { errno, ops, OTHER, ROOT, te, USER, vfsOf } from './helpers.ts';

const open = (vfs: Awaited<ReturnType<typeof vfsOf>>['vfs'], cred: Cred, path: string, flags: { read?: boolean; write?: boolean; create?: boolean; truncate?: boolean }) =>
  errno(() => vfs.close(vfs.open(cred, ROOT_INO, path, flags, 0o644)));

describe('Vfs permissions', () => {
  it('root reads and writes anything but executes only what has an x bit', async () => {
    const { vfs } = await vfsOf([
      { path: '/locked', type: 'dir', mode: 0o000 },
      { path: '/locked/f', type: 'file', mode: 0o000, text: 'x' },
      { path: '/script', type: 'file', mode: 0o644 },
      { path: '/tool', type: 'file', mode: 0o010 },
    ]);
    const o = ops(vfs);
    expect(o.read('/locked/f')).toBe('x');
    expect(open(vfs, ROOT, '/locked/f', { write: true })).toBe('OK');
    const at = (p: string) => vfs.lookup(ROOT, ROOT_INO, p, true);
    expect(vfs.access(ROOT, at('/script'), 1)).toBe(false);
    expect(vfs.access(ROOT, at('/tool'), 1)).toBe(true);
    expect(vfs.access(ROOT, at('/locked'), 7)).toBe(true);
    expect(vfs.access(USER, at('/tool'), 1)).toBe(false);
    expect(vfs.access(USER, at('/script'), 4)).toBe(true);
    expect(vfs.access(USER, at('/script'), 2)).toBe(false);
    expect(vfs.access(USER, at('/script'), 0)).toBe(true);
  });

  it('checks exactly one class of bits: owner, else group (supplementary too), else other', async () => {
    const { vfs } = await vfsOf([
      { path: '/own', type: 'file', mode: 0o077, uid: 1000, gid: 1000, text: 'x' },
      { path: '/grp', type: 'file', mode: 0o640, uid: 0, gid: 50, text: 'x' },
    ]);
    expect(open(vfs, USER, '/own', { read: true })).toBe('EACCES');
    expect(open(vfs, OTHER, '/own', { read: true })).toBe('OK');
    expect(open(vfs, USER, '/grp', { read: true })).toBe('EACCES');
    expect(open(vfs, { ...USER, groups: [7, 50] }, '/grp', { read: true })).toBe('OK');
    expect(open(vfs, { uid: 1000, gid: 50 }, '/grp', { read: true })).toBe('OK');
    expect(open(vfs, { ...USER, groups: [50] }, '/grp', { write: true })).toBe('EACCES');
    expect(open(vfs, USER, '/grp', { truncate: true })).toBe('EACCES');
  });

  it('needs write and search permission on the parent to create, remove and rename', async () => {
    const { vfs } = await vfsOf([
      { path: '/ro', type: 'dir', mode: 0o755 },
      { path: '/ro/f', type: 'file', mode: 0o666, text: 'x' },
      { path: '/wonly', type: 'dir', mode: 0o773, uid: 0, gid: 0 },
      { path: '/mine', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
      { path: '/mine/sub', type: 'dir', mode: 0o555, uid: 1000 },
      { path: '/theirs', type: 'dir', mode: 0o777, uid: 0 },
      { path: '/theirs/d', type: 'dir', mode: 0o755, uid: 0 },
    ]);
    expect(open(vfs, USER, '/ro/new', { write: true, create: true })).toBe('EACCES');
    expect(open(vfs, USER, '/ro/f', { write: true, create: true })).toBe('OK');
    expect(errno(() => vfs.mkdir(USER, ROOT_INO, '/ro/d', 0o755))).toBe('EACCES');
    expect(errno(() => vfs.unlink(USER, ROOT_INO, '/ro/f'))).toBe('EACCES');
    expect(errno(() => vfs.symlink(USER, 't', ROOT_INO, '/ro/l'))).toBe('EACCES');
    expect(errno(() => vfs.link(USER, ROOT_INO, '/ro/f', ROOT_INO, '/ro/l', false))).toBe('EACCES');
    expect(errno(() => vfs.rename(USER, ROOT_INO, '/ro/f', ROOT_INO, '/mine/f'))).toBe('EACCES');
    // o=wx without r: making names works, listing does not.
    expect(errno(() => vfs.mkdir(USER, ROOT_INO, '/wonly/d', 0o755))).toBe('OK');
    expect(errno(() => vfs.readdir(USER, vfs.lookup(USER, ROOT_INO, '/wonly', true)))).toBe('EACCES');
    expect(errno(() => vfs.mkdir(USER, ROOT_INO, '/mine/sub/x', 0o755))).toBe('EACCES');
    expect(errno(() => vfs.rmdir(USER, ROOT_INO, '/mine/sub'))).toBe('OK');
    // Moving a directory to another parent needs write permission on the directory itself.
    expect(errno(() => vfs.rename(USER, ROOT_INO, '/theirs/d', ROOT_INO, '/mine/d'))).toBe('EACCES');
    expect(errno(() => vfs.rename(USER, ROOT_INO, '/theirs/d', ROOT_INO, '/theirs/e'))).toBe('OK');
    expect(errno(() => vfs.rmdir(ROOT, ROOT_INO, '/theirs/e'))).toBe('OK');
    // Root needs nothing.
    expect(errno(() => vfs.mkdir(ROOT, ROOT_INO, '/mine/sub2', 0o000))).toBe('OK');
    expect(errno(() => vfs.mkdir(ROOT, ROOT_INO, '/mine/sub2/x', 0o755))).toBe('OK');
  });

  it('sticky directories let only owners remove or rename', async () => {
    const { vfs } = await vfsOf([
      { path: '/tmp', type: 'dir', mode: 0o1777 },
      { path: '/tmp/a', type: 'file', uid: 1000, gid: 1000, mode: 0o666 },
      { path: '/tmp/b', type: 'file', uid: 1001, gid: 1001, mode: 0o666 },
      { path: '/tmp/ld', type: 'dir', uid: 1000, gid: 1000, mode: 0o777 },
      { path: '/own', type: 'dir', mode: 0o1777, uid: 1001 },
      { path: '/own/c', type: 'file', uid: 1000, mode: 0o644 },
    ]);
    expect(errno(() => vfs.unlink(OTHER, ROOT_INO, '/tmp/a'))).toBe('EPERM');
    expect(errno(() => vfs.rename(OTHER, ROOT_INO, '/tmp/a', ROOT_INO, '/tmp/z'))).toBe('EPERM');
    expect(errno(() => vfs.rename(OTHER, ROOT_INO, '/tmp/b', ROOT_INO, '/tmp/a'))).toBe('EPERM');
    expect(errno(() => vfs.rmdir(OTHER, ROOT_INO, '/tmp/ld'))).toBe('EPERM');
    // Writing a file is not restricted, only its name.
    expect(open(vfs, OTHER, '/tmp/a', { write: true })).toBe('OK');
    expect(errno(() => vfs.rename(USER, ROOT_INO, '/tmp/a', ROOT_INO, '/tmp/z'))).toBe('OK');
    // The directory's owner may remove anything in it.
    expect(errno(() => vfs.unlink(OTHER, ROOT_INO, '/own/c'))).toBe('OK');
    expect(errno(() => vfs.unlink(ROOT, ROOT_INO, '/tmp/b'))).toBe('OK');
  });

  it('follows symlinks in sticky world-writable directories only for their owners (protected_symlinks)', async () => {
    const { vfs } = await vfsOf([
      { path: '/tmp', type: 'dir', mode: 0o1777 },
      { path: '/target', type: 'file', text: 'secret', mode: 0o644 },
      { path: '/tmp/evil', type: 'symlink', target: '/target', uid: 1001 },
    ]);
    expect(open(vfs, USER, '/tmp/evil', { read: true })).toBe('EACCES');
    expect(open(vfs, ROOT, '/tmp/evil', { read: true })).toBe('EACCES');
    expect(open(vfs, OTHER, '/tmp/evil', { read: true })).toBe('OK');
    expect(vfs.readlink(USER, ROOT_INO, '/tmp/evil')).toBe('/target');
    const lax = (await vfsOf([{ path: '/tmp', type: 'dir', mode: 0o1777 }, { path: '/t', type: 'file' }, { path: '/tmp/l', type: 'symlink', target: '/t', uid: 1001 }], { protectedSymlinks: false })).vfs;
    expect(open(lax, USER, '/tmp/l', { read: true })).toBe('OK');
  });

  it('hard links to files of others need read and write access (protected_hardlinks)', async () => {
    const { vfs } = await vfsOf([
      { path: '/tmp', type: 'dir', mode: 0o1777 },
      { path: '/shadow', type: 'file', mode: 0o600 },
      { path: '/rw', type: 'file', mode: 0o666 },
      { path: '/suid', type: 'file', mode: 0o4777 },
      { path: '/mine', type: 'file', mode: 0o000, uid: 1000 },
    ]);
    const ln = (src: string, dst: string) => errno(() => vfs.link(USER, ROOT_INO, src, ROOT_INO, dst, false));
    expect(ln('/shadow', '/tmp/s')).toBe('EPERM');
    expect(ln('/suid', '/tmp/u')).toBe('EPERM');
    expect(ln('/rw', '/tmp/r')).toBe('OK');
    expect(ln('/mine', '/tmp/m')).toBe('OK');
    const lax = (await vfsOf([{ path: '/tmp', type: 'dir', mode: 0o1777 }, { path: '/shadow', type: 'file', mode: 0o600 }], { protectedHardlinks: false })).vfs;
    expect(errno(() => lax.link(USER, ROOT_INO, '/shadow', ROOT_INO, '/tmp/s', false))).toBe('OK');
  });

  it('chmod by owner or root; chown by root; the owner may change the group to one of its own', async () => {
    const { vfs } = await vfsOf([
      { path: '/f', type: 'file', uid: 1000, gid: 1000, mode: 0o644 },
      { path: '/x', type: 'file', uid: 1000, gid: 1000, mode: 0o6755 },
      { path: '/xg', type: 'file', uid: 1000, gid: 1000, mode: 0o2745 },
      { path: '/d', type: 'dir', uid: 1000, gid: 1000, mode: 0o6755 },
    ]);
    const at = (p: string) => vfs.lookup(ROOT, ROOT_INO, p, false);
    const f = at('/f');
    expect(errno(() => vfs.setattr(OTHER, f, { mode: 0o777 }))).toBe('EPERM');
    expect(() => vfs.setattr(OTHER, f, { mode: 0o777 })).toThrow('/f: operation not permitted');
    expect(errno(() => vfs.setattr(USER, f, { mode: 0o600 }))).toBe('OK');
    expect(vfs.stat(f).mode).toBe(0o600);
    // setgid for a group the caller is not in is dropped silently.
    vfs.setattr(USER, f, { mode: 0o2755 });
    expect(vfs.stat(f).mode).toBe(0o2755);
    vfs.setattr(ROOT, f, { gid: 50 });
    vfs.setattr(USER, f, { mode: 0o2755 });
    expect(vfs.stat(f).mode).toBe(0o755);
    expect(errno(() => vfs.setattr(USER, f, { uid: 1001 }))).toBe('EPERM');
    expect(errno(() => vfs.setattr(USER, f, { uid: 1000 }))).toBe('OK');
    expect(errno(() => vfs.setattr(OTHER, f, { uid: 1000 }))).toBe('EPERM');
    expect(errno(() => vfs.setattr(USER, f, { gid: 51 }))).toBe('EPERM');
    expect(errno(() => vfs.setattr({ ...USER, groups: [51] }, f, { gid: 51 }))).toBe('OK');
    expect(errno(() => vfs.setattr({ ...OTHER, groups: [52] }, f, { gid: 52 }))).toBe('EPERM');
    expect(errno(() => vfs.setattr(ROOT, f, { uid: 7, gid: 8 }))).toBe('OK');
    expect(vfs.stat(f)).toMatchObject({ uid: 7, gid: 8 });
    // chown clears setuid, and setgid when group-executable, on non-directories.
    vfs.setattr(ROOT, at('/x'), { uid: 0 });
    expect(vfs.stat(at('/x')).mode).toBe(0o755);
    vfs.setattr(ROOT, at('/xg'), { gid: 0 });
    expect(vfs.stat(at('/xg')).mode).toBe(0o2745);
    vfs.setattr(ROOT, at('/d'), { uid: 0 });
    expect(vfs.stat(at('/d')).mode).toBe(0o6755);
  });

  it('utimes: "now" for the owner or a writer, chosen times for the owner', async () => {
    const { vfs } = await vfsOf([
      { path: '/w', type: 'file', uid: 0, mode: 0o666 },
      { path: '/r', type: 'file', uid: 0, mode: 0o644 },
      { path: '/mine', type: 'file', uid: 1000, mode: 0o444 },
    ]);
    const at = (p: string) => vfs.lookup(ROOT, ROOT_INO, p, false);
    expect(errno(() => vfs.setattr(USER, at('/w'), { atimeNs: 'now', mtimeNs: 'now' }))).toBe('OK');
    expect(errno(() => vfs.setattr(USER, at('/r'), { atimeNs: 'now', mtimeNs: 'now' }))).toBe('EACCES');
    expect(errno(() => vfs.setattr(USER, at('/w'), { atimeNs: 1n, mtimeNs: 2n }))).toBe('EPERM');
    expect(errno(() => vfs.setattr(USER, at('/w'), { mtimeNs: 'now' }))).toBe('EPERM');
    expect(errno(() => vfs.setattr(USER, at('/mine'), { atimeNs: 1n, mtimeNs: 2n }))).toBe('OK');
    expect(errno(() => vfs.setattr(USER, at('/mine'), { atimeNs: 'now', mtimeNs: 'now' }))).toBe('OK');
    expect(errno(() => vfs.setattr(ROOT, at('/r'), { atimeNs: 1n, mtimeNs: 2n }))).toBe('OK');
    expect(vfs.stat(at('/r')).mtimeNs).toBe(2n);
    expect(errno(() => vfs.setattr(USER, at('/r'), {}))).toBe('OK');
  });

  it('truncation needs write permission and clears setuid for non-root callers', async () => {
    const { vfs } = await vfsOf([
      { path: '/s', type: 'file', mode: 0o4777, text: 'abc' },
      { path: '/ro', type: 'file', mode: 0o644, text: 'abc' },
    ]);
    const at = (p: string) => vfs.lookup(ROOT, ROOT_INO, p, false);
    expect(errno(() => vfs.setattr(USER, at('/ro'), { size: 0 }))).toBe('EACCES');
    vfs.setattr(USER, at('/s'), { size: 1 });
    expect(vfs.stat(at('/s'))).toMatchObject({ size: 1, mode: 0o777 });
    vfs.setattr(ROOT, at('/s'), { mode: 0o4777 });
    vfs.setattr(ROOT, at('/s'), { size: 0 });
    expect(vfs.stat(at('/s')).mode).toBe(0o4777);
  });

  it('setgid directories pass their group on, and setgid on to subdirectories', async () => {
    const { vfs } = await vfsOf([{ path: '/shared', type: 'dir', mode: 0o2777, gid: 50 }]);
    const o = ops(vfs);
    o.write('/shared/f', 'x', USER, 0o2775);
    expect(o.stat('/shared/f')).toMatchObject({ uid: 1000, gid: 50, mode: 0o775 });
    o.write('/shared/g', 'x', { ...USER, groups: [50] }, 0o2775);
    expect(o.stat('/shared/g')).toMatchObject({ gid: 50, mode: 0o2775 });
    vfs.mkdir(USER, ROOT_INO, '/shared/d', 0o755);
    expect(o.stat('/shared/d')).toMatchObject({ uid: 1000, gid: 50, mode: 0o2755 });
    vfs.mkdir(USER, ROOT_INO, '/shared/d/e', 0o700);
    expect(o.stat('/shared/d/e')).toMatchObject({ gid: 50, mode: 0o2700 });
    vfs.setattr(ROOT, ROOT_INO, { mode: 0o777 });
    vfs.mkdir(USER, ROOT_INO, '/plain', 0o2755);
    expect(o.stat('/plain')).toMatchObject({ gid: 1000, mode: 0o755 });
    const w = vfs.open(USER, ROOT_INO, '/plain/f', { write: true, create: true }, 0o600);
    vfs.write(w, 0, te.encode('x'));
    expect(vfs.stat(w)).toMatchObject({ uid: 1000, gid: 1000, mode: 0o600, size: 1 });
  });

  it('writes by others clear setuid and setgid as the kernel does; chown(-1, -1) too', async () => {
    const { vfs } = await vfsOf([
      { path: '/s', type: 'file', mode: 0o6777, text: 'x' },
      { path: '/g', type: 'file', mode: 0o2766, text: 'x' },
      { path: '/k', type: 'file', mode: 0o6777, text: 'x' },
      { path: '/c', type: 'file', mode: 0o6777, text: 'x' },
    ]);
    const at = (p: string) => vfs.lookup(ROOT, ROOT_INO, p, false);
    const w = (p: string, cred?: Cred) => {
      const ino = vfs.open(cred ?? ROOT, ROOT_INO, p, { write: true }, 0);
      vfs.write(ino, 0, te.encode('y'), cred);
      vfs.close(ino);
    };
    w('/s', USER);
    expect(vfs.stat(at('/s')).mode).toBe(0o777);
    w('/g', USER);
    expect(vfs.stat(at('/g')).mode).toBe(0o766); // not in the file's group
    w('/k', ROOT);
    w('/k');
    expect(vfs.stat(at('/k')).mode).toBe(0o6777);
    vfs.setattr(ROOT, at('/c'), { uid: -1, gid: -1 });
    expect(vfs.stat(at('/c')).mode).toBe(0o777);
  });
});
