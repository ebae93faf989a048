import { describe, expect, it } from 'vitest';
import { FsDomain, MemorySource, MissingContentError, prefetch, ROOT_INO, Vfs } from '../../../shared/vfs/index.ts';
import { errno, ops, ROOT, storedTree, USER, vfsOf, type Spec } from './helpers.ts';

describe('Vfs lookup', () => {
  it('resolves paths and symlinks inside the root', async () => {
    const { vfs } = await vfsOf([
      { path: '/etc/hosts', type: 'file', text: 'localhost' },
      { path: '/bin/busybox', type: 'file', text: 'ELF', mode: 0o755 },
      { path: '/bin/sh', type: 'symlink', target: 'busybox' },
      { path: '/etc-abs', type: 'symlink', target: '/etc' },
      { path: '/escape', type: 'symlink', target: '../../../../etc' },
      { path: '/usr/lib/rel', type: 'symlink', target: '../../etc/hosts' },
      { path: '/dangling', type: 'symlink', target: '/nowhere' },
    ]);
    const o = ops(vfs);
    expect(o.read('/bin/sh')).toBe('ELF');
    expect(o.read('/etc-abs/hosts')).toBe('localhost');
    expect(o.read('/escape/hosts')).toBe('localhost');
    expect(o.read('/usr/lib/rel')).toBe('localhost');
    expect(o.read('/../../etc/./hosts')).toBe('localhost');
    expect(vfs.lookup(ROOT, ROOT_INO, '..', true)).toBe(ROOT_INO);
    expect(o.stat('/bin/sh').type).toBe('symlink');
    expect(o.stat('/bin/sh', true).type).toBe('file');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/dangling', true))).toBe('ENOENT');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/dangling', false))).toBe('OK');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '', true))).toBe('ENOENT');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/etc/hosts/', true))).toBe('ENOTDIR');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/etc/hosts/x', true))).toBe('ENOTDIR');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/etc/' + 'n'.repeat(256), true))).toBe('ENAMETOOLONG');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/etc/' + 'é'.repeat(128), true))).toBe('ENAMETOOLONG');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/etc/' + 'é'.repeat(127), true))).toBe('ENOENT');
    // Relative to a directory inode, like the *at() calls.
    const etc = vfs.lookup(ROOT, ROOT_INO, '/etc', true);
    expect(vfs.lookup(ROOT, etc, 'hosts', true)).toBe(vfs.lookup(ROOT, ROOT_INO, '/etc/hosts', true));
    expect(vfs.lookup(ROOT, etc, '..', true)).toBe(ROOT_INO);
    expect(vfs.pathOf(etc)).toBe('/etc');
    expect(vfs.pathOf(ROOT_INO)).toBe('/');
  });

  it('follows a final symlink when a slash follows it', async () => {
    const { vfs } = await vfsOf([{ path: '/d/f', type: 'file' }, { path: '/l', type: 'symlink', target: 'd' }]);
    expect(vfs.stat(vfs.lookup(ROOT, ROOT_INO, '/l/', false)).type).toBe('dir');
    expect(vfs.stat(vfs.lookup(ROOT, ROOT_INO, '/l', false)).type).toBe('symlink');
  });

  it('gives ELOOP after 40 symlinks and for cycles', async () => {
    const specs: Spec[] = [{ path: '/target', type: 'file', text: 'end' }];
    for (let i = 0; i < 41; i++) specs.push({ path: `/l${i}`, type: 'symlink', target: i === 0 ? 'target' : `l${i - 1}` });
    specs.push({ path: '/loop-a', type: 'symlink', target: 'loop-b' }, { path: '/loop-b', type: 'symlink', target: 'loop-a' });
    const { vfs } = await vfsOf(specs);
    const o = ops(vfs);
    expect(o.read('/l39')).toBe('end'); // 40 links
    expect(errno(() => o.read('/l40'))).toBe('ELOOP'); // 41 links
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/loop-a', true))).toBe('ELOOP');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/loop-a/x', false))).toBe('ELOOP');
  });

  it('needs search permission on every directory along a path', async () => {
    const { vfs } = await vfsOf([
      { path: '/secret', type: 'dir', mode: 0o700 },
      { path: '/secret/f', type: 'file', text: 'x', mode: 0o644 },
      { path: '/listonly', type: 'dir', mode: 0o744 },
      { path: '/listonly/f', type: 'file', text: 'x', mode: 0o644 },
      { path: '/searchonly', type: 'dir', mode: 0o711 },
      { path: '/searchonly/f', type: 'file', text: 'y', mode: 0o644 },
    ]);
    expect(errno(() => vfs.lookup(USER, ROOT_INO, '/secret/f', true))).toBe('EACCES');
    expect(errno(() => vfs.lookup(USER, ROOT_INO, '/listonly/f', true))).toBe('EACCES');
    expect(errno(() => vfs.lookup(USER, ROOT_INO, '/secret', true))).toBe('OK');
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/secret/f', true))).toBe('OK');
    expect(ops(vfs).read('/searchonly/f', USER)).toBe('y');
    const d = vfs.lookup(USER, ROOT_INO, '/searchonly', true);
    expect(errno(() => vfs.readdir(USER, d))).toBe('EACCES');
    expect(vfs.readdir(USER, vfs.lookup(USER, ROOT_INO, '/listonly', true)).map((e) => e.name)).toEqual(['f']);
  });

  it('loads only the directories a lookup passes through and no file until it is read', async () => {
    const specs: Spec[] = [{ path: '/bin/true', type: 'file', text: 'wasm', mode: 0o755 }];
    for (let i = 0; i < 50; i++) for (let j = 0; j < 20; j++) specs.push({ path: `/usr/share/d${i}/f${j}`, type: 'file', text: `${i}/${j}` });
    const { vfs, counts } = await vfsOf(specs);
    counts.dirs = 0;
    const ino = vfs.open(ROOT, ROOT_INO, '/bin/true', { read: true }, 0);
    expect(counts).toEqual({ dirs: 2, blobs: 0 });
    expect(vfs.stat(ino).size).toBe(4);
    expect(counts.blobs).toBe(0);
    vfs.read(ino, 0, 100);
    expect(counts.blobs).toBe(1);
    ops(vfs).read('/usr/share/d7/f3');
    expect(counts.dirs).toBe(5);
  });

  it('asks the source for contents that were not prefetched only when read', async () => {
    const t = await storedTree([
      { path: '/big', type: 'file', text: 'x'.repeat(1000) },
      { path: '/small', type: 'file', text: 'y' },
      { path: '/lib/app/data', type: 'file', text: 'z'.repeat(500) },
      { path: '/app', type: 'symlink', target: 'lib/app' },
    ]);
    const pre = await prefetch(t.trees, t.root, { budget: 10 });
    expect(pre.source.blobBytes).toBe(1);
    const vfs = new Vfs(FsDomain.fromTree(t.root, pre.source));
    const o = ops(vfs);
    expect(o.read('/small')).toBe('y');
    expect(() => o.read('/big')).toThrow(MissingContentError);
    // Truncating needs no contents.
    o.write('/big', 'new');
    expect(o.read('/big')).toBe('new');
    // Paths are followed through symlinks; directories bring everything below.
    const more = await prefetch(t.trees, t.root, { paths: ['/app/'] }, new MemorySource());
    expect(more.source.blobBytes).toBe(500);
    expect(more.usage).toEqual({ bytes: 1501, files: 7 });
  });

  it('walks a tree once per source: a later prefetch only fetches contents', async () => {
    const t = await storedTree([{ path: '/a/b', type: 'file', text: 'b', link: 'g' }, { path: '/c', type: 'file', text: 'c', link: 'g' }]);
    let reads = 0;
    const trees = Object.assign(Object.create(t.trees), { dir: (d: never) => (reads++, t.trees.dir(d)) });
    const src = new MemorySource();
    const first = await prefetch(trees, t.root, {}, src);
    expect(reads).toBe(2);
    expect(first.links).toEqual([['c', 'a/b']]);
    const again = await prefetch(trees, t.root, { paths: ['/c'] }, src);
    expect(reads).toBe(2);
    expect(again.links).toEqual(first.links);
    expect(again.usage).toEqual(first.usage);
    expect(src.blobBytes).toBe(1);
  });
});
