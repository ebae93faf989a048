import { describe, expect, it } from 'vitest';
import { ROOT_INO } from '../../../shared/vfs/index.ts';
import { errno, ops, ROOT, td, te, USER, vfsOf } from './helpers.ts';

describe('Vfs files', () => {
  it('opens, creates and truncates with the POSIX error codes', async () => {
    const { vfs } = await vfsOf([
      { path: '/f', type: 'file', text: 'content' },
      { path: '/d', type: 'dir' },
      { path: '/link', type: 'symlink', target: 'f' },
      { path: '/dangling', type: 'symlink', target: 'sub/made' },
      { path: '/sub', type: 'dir' },
    ]);
    const open = (path: string, flags: Parameters<typeof vfs.open>[3]) => errno(() => vfs.close(vfs.open(ROOT, ROOT_INO, path, flags, 0o640)));
    expect(open('/missing', { read: true })).toBe('ENOENT');
    expect(open('/f', { read: true, create: true, exclusive: true })).toBe('EEXIST');
    expect(open('/link', { read: true, create: true, exclusive: true })).toBe('EEXIST');
    expect(open('/d', { write: true })).toBe('EISDIR');
    expect(open('/d', { read: true, create: true })).toBe('EISDIR');
    expect(open('/d', { read: true, truncate: true })).toBe('EISDIR');
    expect(open('/d', { read: true, directory: true })).toBe('OK');
    expect(open('/f', { read: true, directory: true })).toBe('ENOTDIR');
    expect(open('/link', { read: true, noFollow: true })).toBe('ELOOP');
    expect(open('/link', { read: true, create: true, noFollow: true })).toBe('ELOOP');
    expect(open('/new/', { write: true, create: true })).toBe('EISDIR');
    expect(open('/f/', { read: true })).toBe('ENOTDIR');
    expect(open('.', { read: true, create: true })).toBe('EISDIR');
    expect(open('/', { read: true, create: true, exclusive: true })).toBe('EEXIST');
    // O_CREAT through a dangling symlink creates its target.
    expect(open('/dangling', { write: true, create: true })).toBe('OK');
    const made = ops(vfs).stat('/sub/made');
    expect([made.type, made.mode, made.size]).toEqual(['file', 0o640, 0]);
    // O_TRUNC empties, and needs no read of the old contents.
    const ino = vfs.open(ROOT, ROOT_INO, '/f', { write: true, truncate: true }, 0);
    expect(vfs.stat(ino).size).toBe(0);
    vfs.close(ino);
  });

  it('writes sparse files zero-filled, truncates and extends', async () => {
    const { vfs } = await vfsOf([{ path: '/f', type: 'file', text: 'abcdef' }]);
    const ino = vfs.open(ROOT, ROOT_INO, '/f', { read: true, write: true }, 0);
    expect(vfs.write(ino, 10, te.encode('XY'))).toBe(2);
    expect(vfs.stat(ino).size).toBe(12);
    expect([...vfs.read(ino, 0, 100)]).toEqual([...te.encode('abcdef'), 0, 0, 0, 0, ...te.encode('XY')]);
    expect(td.decode(vfs.read(ino, 2, 3))).toBe('cde');
    expect(vfs.read(ino, 12, 10).length).toBe(0);
    expect(vfs.read(ino, 100, 10).length).toBe(0);
    vfs.setattr(ROOT, ino, { size: 3 });
    expect(td.decode(vfs.read(ino, 0, 100))).toBe('abc');
    // Bytes cut off by a truncate do not come back when the file grows again.
    vfs.setattr(ROOT, ino, { size: 6 });
    expect([...vfs.read(ino, 0, 100)]).toEqual([...te.encode('abc'), 0, 0, 0]);
    vfs.write(ino, 8, te.encode('Z'));
    expect([...vfs.read(ino, 0, 100)]).toEqual([...te.encode('abc'), 0, 0, 0, 0, 0, ...te.encode('Z')]);
    expect(errno(() => vfs.write(ino, -1, te.encode('x')))).toBe('EINVAL');
    expect(errno(() => vfs.setattr(ROOT, ino, { size: -1 }))).toBe('EINVAL');
    expect(vfs.write(ino, 0, new Uint8Array(0))).toBe(0);
    vfs.close(ino);
    const d = vfs.lookup(ROOT, ROOT_INO, '/', true);
    expect(errno(() => vfs.read(d, 0, 1))).toBe('EISDIR');
    expect(errno(() => vfs.write(d, 0, te.encode('x')))).toBe('EISDIR');
    expect(errno(() => vfs.setattr(ROOT, d, { size: 0 }))).toBe('EISDIR');
  });

  it('never changes the bytes the source holds, and reads return copies', async () => {
    const { vfs, pre, root, trees } = await vfsOf([{ path: '/f', type: 'file', text: 'original' }, { path: '/g', type: 'file', text: 'original' }]);
    const ino = vfs.open(ROOT, ROOT_INO, '/f', { read: true, write: true }, 0);
    const got = vfs.read(ino, 0, 100);
    vfs.write(ino, 0, te.encode('CHANGED!'));
    expect(td.decode(got)).toBe('original');
    const node = await trees.lookup(root, 'f');
    expect(node?.type).toBe('file');
    expect(td.decode(pre.source.blob(node?.type === 'file' ? node.digest : ('' as never)))).toBe('original');
    expect(ops(vfs).read('/g')).toBe('original');
    expect(ops(vfs).read('/f')).toBe('CHANGED!');
  });

  it('keeps an unlinked file readable until its last close', async () => {
    const { vfs, domain } = await vfsOf([{ path: '/f', type: 'file', text: 'data' }]);
    const ino = vfs.open(ROOT, ROOT_INO, '/f', { read: true, write: true }, 0);
    const again = vfs.open(ROOT, ROOT_INO, '/f', { read: true }, 0);
    vfs.unlink(ROOT, ROOT_INO, '/f');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/f', true))).toBe('ENOENT');
    expect(vfs.stat(ino).nlink).toBe(0);
    vfs.write(ino, 4, te.encode('+more'));
    expect(td.decode(vfs.read(again, 0, 100))).toBe('data+more');
    vfs.close(ino);
    expect(td.decode(vfs.read(again, 0, 100))).toBe('data+more');
    vfs.close(again);
    expect(domain.inodes.has(ino)).toBe(false);
    expect(errno(() => vfs.stat(ino))).toBe('ENOENT');
    expect(vfs.changes()).toEqual([{ kind: 'D', path: '/f' }]);
    // A file made and removed between two commits leaves nothing to commit.
    ops(vfs).write('/tmpfile', 'x');
    vfs.unlink(ROOT, ROOT_INO, '/tmpfile');
    expect(vfs.changes()).toEqual([{ kind: 'D', path: '/f' }]);
  });

  it('makes one inode of every hard-link group and counts its names', async () => {
    const { vfs, counts } = await vfsOf([
      { path: '/usr/bin/git', type: 'file', text: 'git', link: 'g', mode: 0o755 },
      { path: '/usr/lib/git-core/git-add', type: 'file', text: 'git', link: 'g', mode: 0o755 },
      { path: '/usr/lib/git-core/git-commit', type: 'file', text: 'git', link: 'g', mode: 0o755 },
      { path: '/usr/bin/other', type: 'file', text: 'git', mode: 0o755 },
    ]);
    expect(counts.dirs).toBeGreaterThan(0); // link groups load their directories at start
    const o = ops(vfs);
    const a = o.stat('/usr/bin/git');
    expect(a.nlink).toBe(3);
    expect(o.stat('/usr/lib/git-core/git-commit').ino).toBe(a.ino);
    expect(o.stat('/usr/bin/other').ino).not.toBe(a.ino);
    expect(o.stat('/usr/bin/other').nlink).toBe(1);
    // Writing through one name shows through the others.
    o.write('/usr/lib/git-core/git-add', 'v2');
    expect(o.read('/usr/bin/git')).toBe('v2');
    vfs.unlink(ROOT, ROOT_INO, '/usr/bin/git');
    expect(o.stat('/usr/lib/git-core/git-add').nlink).toBe(2);
    vfs.link(ROOT, ROOT_INO, '/usr/lib/git-core/git-add', ROOT_INO, '/usr/bin/git2', false);
    expect(o.stat('/usr/bin/git2').nlink).toBe(3);
    expect(o.stat('/usr/bin/git2').ino).toBe(a.ino);
  });

  it('creates hard links with link(2) semantics', async () => {
    const { vfs } = await vfsOf([
      { path: '/f', type: 'file', text: 'x' },
      { path: '/d', type: 'dir' },
      { path: '/sl', type: 'symlink', target: 'f' },
    ]);
    const o = ops(vfs);
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/d', ROOT_INO, '/d2', false))).toBe('EPERM');
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/f', ROOT_INO, '/d', false))).toBe('EEXIST');
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/missing', ROOT_INO, '/x', false))).toBe('ENOENT');
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/f', ROOT_INO, '/nodir/x', false))).toBe('ENOENT');
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/f', ROOT_INO, '/x/', false))).toBe('ENOENT');
    // Without follow, a symlink itself gets the new name; with follow its target does.
    vfs.link(ROOT, ROOT_INO, '/sl', ROOT_INO, '/sl2', false);
    expect(o.stat('/sl2').type).toBe('symlink');
    expect(o.stat('/sl').nlink).toBe(2);
    vfs.link(ROOT, ROOT_INO, '/sl', ROOT_INO, '/f2', true);
    expect(o.stat('/f2').type).toBe('file');
    expect(o.stat('/f').nlink).toBe(2);
  });

  it('updates times: mtime and ctime on writes and directory changes, ctime on metadata', async () => {
    const { vfs } = await vfsOf([{ path: '/d/f', type: 'file', text: 'x', mtime: 100 }]);
    const o = ops(vfs);
    const f0 = o.stat('/d/f');
    const d0 = o.stat('/d');
    expect(f0.mtimeNs).toBe(100_000_000_000n);
    const ino = vfs.open(ROOT, ROOT_INO, '/d/f', { write: true }, 0);
    vfs.write(ino, 0, te.encode('y'));
    const f1 = vfs.stat(ino);
    expect(f1.mtimeNs).toBeGreaterThan(f0.mtimeNs);
    expect(f1.ctimeNs).toBe(f1.mtimeNs);
    expect(o.stat('/d').mtimeNs).toBe(d0.mtimeNs);
    vfs.setattr(ROOT, ino, { mode: 0o600 });
    const f2 = vfs.stat(ino);
    expect(f2.mtimeNs).toBe(f1.mtimeNs);
    expect(f2.ctimeNs).toBeGreaterThan(f1.ctimeNs);
    vfs.close(ino);
    o.write('/d/g', 'new');
    const d1 = o.stat('/d');
    expect(d1.mtimeNs).toBeGreaterThan(d0.mtimeNs);
    vfs.rename(ROOT, ROOT_INO, '/d/g', ROOT_INO, '/h');
    expect(o.stat('/d').mtimeNs).toBeGreaterThan(d1.mtimeNs);
    expect(o.stat('/').mtimeNs).toBe(o.stat('/d').mtimeNs);
    const i = vfs.lookup(ROOT, ROOT_INO, '/h', false);
    vfs.setattr(ROOT, i, { atimeNs: 5n, mtimeNs: 7n });
    expect([vfs.stat(i).atimeNs, vfs.stat(i).mtimeNs]).toEqual([5n, 7n]);
    vfs.setattr(ROOT, i, { mtimeNs: 'now' });
    expect(vfs.stat(i).atimeNs).toBe(5n);
    expect(vfs.stat(i).mtimeNs).toBe(vfs.stat(i).ctimeNs);
  });

  it('lists directories in a stable order whose cookies survive changes', async () => {
    const { vfs } = await vfsOf([
      { path: '/d/a', type: 'file' },
      { path: '/d/b', type: 'dir' },
      { path: '/d/c', type: 'symlink', target: 'a' },
      { path: '/d/e', type: 'file' },
    ]);
    const d = vfs.lookup(ROOT, ROOT_INO, '/d', true);
    const all = vfs.readdir(ROOT, d);
    expect(all.map((e) => [e.name, e.type])).toEqual([['a', 'file'], ['b', 'dir'], ['c', 'symlink'], ['e', 'file']]);
    expect(all.map((e) => e.ino)).toEqual(['a', 'b', 'c', 'e'].map((n) => vfs.lookup(ROOT, d, n, false)));
    // Read two, then change the directory, then continue from the cookie.
    const first = all.slice(0, 2);
    ops(vfs).write('/d/0new', '');
    vfs.unlink(ROOT, ROOT_INO, '/d/a');
    vfs.unlink(ROOT, ROOT_INO, '/d/c');
    const rest = vfs.readdir(ROOT, d, first[1]!.next);
    expect(rest.map((e) => e.name)).toEqual(['e', '0new']);
    expect(vfs.readdir(ROOT, d, rest[1]!.next)).toEqual([]);
    // A rename over an existing name keeps that name's place.
    vfs.rename(ROOT, ROOT_INO, '/d/0new', ROOT_INO, '/d/b2');
    ops(vfs).write('/d/x', '');
    vfs.rename(ROOT, ROOT_INO, '/d/x', ROOT_INO, '/d/e');
    expect(vfs.readdir(ROOT, d).map((e) => e.name)).toEqual(['b', 'e', 'b2']);
    const f = vfs.lookup(ROOT, ROOT_INO, '/d/e', false);
    expect(errno(() => vfs.readdir(ROOT, f))).toBe('ENOTDIR');
  });

  it('reports statfs numbers that follow what is stored and written', async () => {
    const { vfs } = await vfsOf([{ path: '/a', type: 'file', text: 'x'.repeat(4096) }, { path: '/d/b', type: 'file', text: 'y' }]);
    const s0 = vfs.statfs(ROOT_INO);
    expect(s0.blockSize).toBe(1024);
    expect(s0.files - s0.filesFree).toBe(4);
    expect(s0.blocks - s0.blocksFree).toBe(5);
    ops(vfs).write('/big', 'z'.repeat(10 * 1024));
    const s1 = vfs.statfs(ROOT_INO);
    expect(s1.files - s1.filesFree).toBe(5);
    expect(s1.blocks - s1.blocksFree).toBe(15);
    vfs.unlink(ROOT, ROOT_INO, '/a');
    const s2 = vfs.statfs(ROOT_INO);
    expect(s2.files - s2.filesFree).toBe(4);
    expect(s2.blocks - s2.blocksFree).toBe(11);
  });

  it('creates special nodes; devices only as root', async () => {
    const { vfs } = await vfsOf([]);
    expect(errno(() => vfs.mknod(USER, ROOT_INO, '/null', 'char', 0o666, { major: 1, minor: 3 }))).toBe('EACCES');
    vfs.setattr(ROOT, ROOT_INO, { mode: 0o777 });
    expect(errno(() => vfs.mknod(USER, ROOT_INO, '/null', 'char', 0o666, { major: 1, minor: 3 }))).toBe('EPERM');
    const n = vfs.mknod(ROOT, ROOT_INO, '/null', 'char', 0o666, { major: 1, minor: 3 });
    expect(vfs.stat(n)).toMatchObject({ type: 'char', mode: 0o666, rdev: { major: 1, minor: 3 } });
    const p = vfs.mknod(USER, ROOT_INO, '/pipe', 'fifo', 0o640);
    expect(vfs.stat(p)).toMatchObject({ type: 'fifo', uid: 1000, mode: 0o640 });
    expect(errno(() => vfs.mknod(ROOT, ROOT_INO, '/pipe', 'fifo', 0o640))).toBe('EEXIST');
    expect(errno(() => vfs.mknod(ROOT, ROOT_INO, '/dd', 'dir', 0o755))).toBe('EINVAL');
    expect(errno(() => vfs.read(p, 0, 1))).toBe('EINVAL');
  });
});
