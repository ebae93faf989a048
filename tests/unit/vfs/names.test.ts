import { describe, expect, it } from 'vitest';
import { ROOT_INO } from '../../../shared/vfs/index.ts';
import { errno, ops, ROOT, vfsOf, type Spec } from './helpers.ts';

const TREE: Spec[] = [
  { path: '/f', type: 'file', text: 'f' },
  { path: '/g', type: 'file', text: 'g' },
  { path: '/empty', type: 'dir' },
  { path: '/empty2', type: 'dir' },
  { path: '/full/x', type: 'file', text: 'x' },
  { path: '/full/sub/y', type: 'file', text: 'y' },
  { path: '/sl', type: 'symlink', target: 'empty' },
];

describe('Vfs names', () => {
  it('mkdir and rmdir', async () => {
    const { vfs } = await vfsOf(TREE);
    const o = ops(vfs);
    const mk = (p: string) => errno(() => vfs.mkdir(ROOT, ROOT_INO, p, 0o755));
    const rm = (p: string) => errno(() => vfs.rmdir(ROOT, ROOT_INO, p));
    expect(mk('/f')).toBe('EEXIST');
    expect(mk('/sl')).toBe('EEXIST');
    expect(mk('/')).toBe('EEXIST');
    expect(mk('/empty/.')).toBe('EEXIST');
    expect(mk('/empty/..')).toBe('EEXIST');
    expect(mk('/nodir/x')).toBe('ENOENT');
    expect(mk('/f/x')).toBe('ENOTDIR');
    expect(mk('/new/')).toBe('OK');
    expect(o.stat('/new').nlink).toBe(2);
    expect(o.stat('/').nlink).toBe(2 + 4);
    expect(mk('/new/deeper')).toBe('OK');
    expect(o.stat('/new').nlink).toBe(3);
    // Modes: sticky kept, setuid dropped.
    vfs.mkdir(ROOT, ROOT_INO, '/m', 0o5777);
    expect(o.stat('/m').mode).toBe(0o1777);
    expect(rm('/new')).toBe('ENOTEMPTY');
    expect(rm('/full')).toBe('ENOTEMPTY');
    expect(rm('/f')).toBe('ENOTDIR');
    expect(rm('/sl')).toBe('ENOTDIR');
    expect(rm('/missing')).toBe('ENOENT');
    expect(rm('/empty/.')).toBe('EINVAL');
    expect(rm('/empty/..')).toBe('ENOTEMPTY');
    expect(rm('/new/deeper/')).toBe('OK');
    expect(o.stat('/new').nlink).toBe(2);
    // A removed directory held by inode: nothing can be made in it, `..` fails.
    const held = vfs.open(ROOT, ROOT_INO, '/new', { directory: true, read: true }, 0);
    expect(rm('/new')).toBe('OK');
    expect(vfs.stat(held).nlink).toBe(0);
    expect(errno(() => vfs.mkdir(ROOT, held, 'x', 0o755))).toBe('ENOENT');
    expect(errno(() => vfs.open(ROOT, held, 'x', { write: true, create: true }, 0o644))).toBe('ENOENT');
    expect(errno(() => vfs.lookup(ROOT, held, '..', true))).toBe('ENOENT');
    expect(vfs.pathOf(held)).toBeUndefined();
    expect(vfs.readdir(ROOT, held)).toEqual([]);
    vfs.close(held);
    expect(errno(() => vfs.stat(held))).toBe('ENOENT');
  });

  it('unlink', async () => {
    const { vfs } = await vfsOf(TREE);
    const un = (p: string) => errno(() => vfs.unlink(ROOT, ROOT_INO, p));
    expect(un('/empty')).toBe('EISDIR');
    expect(un('/missing')).toBe('ENOENT');
    expect(un('/f/')).toBe('ENOTDIR');
    expect(un('/empty/')).toBe('EISDIR');
    expect(un('/missing/')).toBe('ENOENT');
    expect(un('.')).toBe('EISDIR');
    expect(un('/sl')).toBe('OK');
    expect(ops(vfs).stat('/empty').type).toBe('dir');
    expect(un('/f')).toBe('OK');
    expect(un('/f')).toBe('ENOENT');
  });

  it('symlink and readlink', async () => {
    const { vfs } = await vfsOf(TREE);
    expect(errno(() => vfs.symlink(ROOT, '', ROOT_INO, '/s'))).toBe('ENOENT');
    expect(errno(() => vfs.symlink(ROOT, 'x', ROOT_INO, '/f'))).toBe('EEXIST');
    expect(errno(() => vfs.symlink(ROOT, 'x', ROOT_INO, '/s/'))).toBe('ENOENT');
    const s = vfs.symlink(ROOT, '../../target', ROOT_INO, '/empty/s');
    expect(vfs.stat(s)).toMatchObject({ type: 'symlink', mode: 0o777, size: 12, nlink: 1 });
    expect(vfs.readlink(ROOT, ROOT_INO, '/empty/s')).toBe('../../target');
    expect(vfs.readlink(ROOT, ROOT_INO, '/sl')).toBe('empty');
    expect(errno(() => vfs.readlink(ROOT, ROOT_INO, '/f'))).toBe('EINVAL');
    // The last component of readlink is not followed, earlier ones are.
    expect(vfs.readlink(ROOT, ROOT_INO, '/sl/s')).toBe('../../target');
  });

  it('rename with POSIX semantics', async () => {
    const { vfs } = await vfsOf(TREE);
    const o = ops(vfs);
    const mv = (a: string, b: string) => errno(() => vfs.rename(ROOT, ROOT_INO, a, ROOT_INO, b));
    expect(mv('/missing', '/x')).toBe('ENOENT');
    expect(mv('/f', '/nodir/x')).toBe('ENOENT');
    expect(mv('/f', '/empty')).toBe('EISDIR');
    expect(mv('/empty', '/f')).toBe('ENOTDIR');
    expect(mv('/empty', '/full')).toBe('ENOTEMPTY');
    expect(mv('/full', '/full/sub/inside')).toBe('EINVAL');
    expect(mv('/full', '/full/inside')).toBe('EINVAL');
    expect(mv('/full/sub', '/full')).toBe('ENOTEMPTY');
    expect(mv('/f/', '/x')).toBe('ENOTDIR');
    expect(mv('/f', '/x/')).toBe('ENOTDIR');
    expect(mv('/full/.', '/x')).toBe('EINVAL');
    expect(mv('/f', '/')).toBe('EINVAL');
    // Same inode: nothing happens.
    vfs.link(ROOT, ROOT_INO, '/f', ROOT_INO, '/f-link', false);
    expect(mv('/f', '/f-link')).toBe('OK');
    expect(o.stat('/f').nlink).toBe(2);
    expect(mv('/f', '/f')).toBe('OK');
    // Replace a file: the old one loses its name.
    const g = o.stat('/g').ino;
    expect(mv('/f', '/g')).toBe('OK');
    expect(o.read('/g')).toBe('f');
    expect(errno(() => vfs.stat(g))).toBe('ENOENT');
    expect(o.stat('/f-link').nlink).toBe(2);
    // Replace an empty directory; the counts of both parents follow.
    expect(mv('/full/sub', '/empty')).toBe('OK');
    expect(o.read('/empty/y')).toBe('y');
    expect(o.stat('/full').nlink).toBe(2);
    expect(mv('/empty', '/empty2/moved/')).toBe('OK');
    expect(o.ls('/empty2')).toEqual(['moved']);
    expect(o.stat('/empty2').nlink).toBe(3);
    // A directory held open moves with its name; its path follows.
    const held = vfs.lookup(ROOT, ROOT_INO, '/empty2/moved', true);
    expect(mv('/empty2', '/renamed')).toBe('OK');
    expect(vfs.pathOf(held)).toBe('/renamed/moved');
    expect(vfs.lookup(ROOT, held, '../..', true)).toBe(ROOT_INO);
    // Symlinks are renamed, not followed.
    expect(mv('/sl', '/sl2')).toBe('OK');
    expect(o.stat('/sl2').type).toBe('symlink');
  });
});
