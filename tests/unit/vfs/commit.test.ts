import { describe, expect, it } from 'vitest';
import { importLayer } from '../../../shared/layer/import.ts';
import { applyLayer } from '../../../shared/layer/merge.ts';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { writeTar, type TarWriteEntry } from '../../../shared/tar/index.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';
import type { DirNode } from '../../../shared/tree/node.ts';
import { TreeStore } from '../../../shared/tree/tree-store.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { FsDomain, prefetch, ROOT_INO, Vfs } from '../../../shared/vfs/index.ts';
import { counting, ops, ROOT, snapshot, te, td, USER, vfsOver } from './helpers.ts';

const file = (path: string, text: string, mode = 0o644, uid = 0): TarWriteEntry => ({ path, type: 'file', mode, uid, gid: uid, mtime: 1000, size: te.encode(text).length, body: te.encode(text) });
const dir = (path: string, mode = 0o755): TarWriteEntry => ({ path, type: 'dir', mode, mtime: 1000 });

/** An image of one layer imported from a tar, and a container of it with an empty writable layer. */
async function image() {
  const entries: TarWriteEntry[] = [
    dir('bin'), file('bin/busybox', 'ELF', 0o755), { path: 'bin/sh', type: 'symlink', linkname: 'busybox', mtime: 1000 },
    dir('data'), dir('data/a'), file('data/a/b', 'b'), file('data/c', 'c'),
    dir('etc'), file('etc/hosts', 'localhost'), file('etc/passwd', 'root:x:0:0'),
    dir('lib'), dir('lib/deep'), dir('lib/deep/er'), file('lib/deep/er/x', 'x'), file('lib/deep/y', 'y'),
    dir('opt'), file('opt/keep', 'keep'),
    dir('tmp', 0o1777),
    dir('usr'), dir('usr/bin'), file('usr/bin/git', 'git-v1', 0o755),
    dir('usr/lib'), dir('usr/lib/git-core'), { path: 'usr/lib/git-core/git-add', type: 'hardlink', linkname: 'usr/bin/git' },
    { path: 'usr/lib/git-core/git-commit', type: 'hardlink', linkname: 'usr/bin/git' },
  ];
  const store = new MemoryStore();
  const trees = new TreeStore(store.blobs);
  const layer = await importLayer(trees, store.blobs, writeTar(entries));
  const lower = await applyLayer(trees, undefined, layer.root);
  return { store, trees, lower };
}

async function container() {
  const img = await image();
  const fs = new UnionFs(img.trees, img.lower, new MutableDir(EMPTY_META, { implicit: true }));
  const pre = await prefetch(img.trees, img.lower, { budget: 1 << 20 });
  const { source, counts } = counting(pre.source);
  const vfs = new Vfs(FsDomain.fromTree(img.lower, source, { links: pre.links, usage: pre.usage }));
  return { ...img, fs, vfs, counts };
}

/** The container's filesystem as stored: its image's root with the writable layer applied. */
async function merged(trees: TreeStore, lower: DirNode, fs: UnionFs): Promise<Vfs> {
  return vfsOver(trees, await applyLayer(trees, lower, await fs.upper.persist(trees)));
}

describe('Vfs commit', () => {
  it('writes exactly what was done onto the container layer: adds, changes, whiteouts, opaque dirs, links', async () => {
    const { vfs, fs, trees, lower } = await container();
    const o = ops(vfs);
    expect(o.stat('/usr/bin/git').nlink).toBe(3);
    o.write('/etc/passwd', 'root:x:0:0\nuser:x:1000:1000');
    o.write('/etc/new', 'new');
    vfs.unlink(ROOT, ROOT_INO, '/etc/hosts');
    // Replace a directory of the image by a new one with the same name.
    vfs.unlink(ROOT, ROOT_INO, '/data/a/b');
    vfs.rmdir(ROOT, ROOT_INO, '/data/a');
    vfs.mkdir(ROOT, ROOT_INO, '/data/a', 0o700);
    o.write('/data/a/fresh', 'fresh');
    vfs.setattr(ROOT, vfs.lookup(ROOT, ROOT_INO, '/opt/keep', false), { mode: 0o600, uid: 5, gid: 6 });
    o.write('/usr/lib/git-core/git-add', 'git-v2');
    vfs.link(ROOT, ROOT_INO, '/etc/passwd', ROOT_INO, '/etc/passwd-link', false);
    vfs.symlink(ROOT, 'passwd', ROOT_INO, '/etc/sl');
    vfs.mkdir(ROOT, ROOT_INO, '/newdir', 0o755);
    vfs.mkdir(ROOT, ROOT_INO, '/newdir/sub', 0o750);
    o.write('/newdir/sub/f', 'deep');
    vfs.setattr(ROOT, vfs.lookup(ROOT, ROOT_INO, '/newdir/sub/f', false), { uid: USER.uid, gid: USER.gid });
    vfs.mknod(ROOT, ROOT_INO, '/tmp/fifo', 'fifo', 0o600);
    // A directory moved without ever being listed: its stored children go along.
    vfs.rename(ROOT, ROOT_INO, '/lib/deep', ROOT_INO, '/lib/moved');
    const before = snapshot(vfs, { times: true });

    const changes = vfs.changes();
    const written = await vfs.commitTo(fs);
    expect(written).toEqual(changes);
    expect(vfs.changes()).toEqual([]);
    expect(vfs.domain.dirty).toBe(false);

    expect(await fs.changes()).toEqual([
      { kind: 'C', path: '/data' },
      { kind: 'C', path: '/data/a' },
      { kind: 'D', path: '/data/a/b' },
      { kind: 'A', path: '/data/a/fresh' },
      { kind: 'C', path: '/etc' },
      { kind: 'D', path: '/etc/hosts' },
      { kind: 'A', path: '/etc/new' },
      { kind: 'C', path: '/etc/passwd' },
      { kind: 'A', path: '/etc/passwd-link' },
      { kind: 'A', path: '/etc/sl' },
      { kind: 'C', path: '/lib' },
      { kind: 'D', path: '/lib/deep' },
      { kind: 'A', path: '/lib/moved' },
      { kind: 'A', path: '/lib/moved/er' },
      { kind: 'A', path: '/lib/moved/er/x' },
      { kind: 'A', path: '/lib/moved/y' },
      { kind: 'A', path: '/newdir' },
      { kind: 'A', path: '/newdir/sub' },
      { kind: 'A', path: '/newdir/sub/f' },
      { kind: 'C', path: '/opt' },
      { kind: 'C', path: '/opt/keep' },
      { kind: 'C', path: '/tmp' },
      { kind: 'A', path: '/tmp/fifo' },
      { kind: 'C', path: '/usr' },
      { kind: 'C', path: '/usr/bin' },
      { kind: 'C', path: '/usr/bin/git' },
      { kind: 'C', path: '/usr/lib' },
      { kind: 'C', path: '/usr/lib/git-core' },
      { kind: 'C', path: '/usr/lib/git-core/git-add' },
      { kind: 'C', path: '/usr/lib/git-core/git-commit' },
    ]);
    // The layer's own records: a whiteout for the deleted lower file, an opaque
    // directory for the replaced one, hardlink entries for the extra names.
    const etc = (await fs.upper.get(trees, 'etc')) as MutableDir;
    expect(await etc.get(trees, 'hosts')).toEqual({ type: 'whiteout' });
    expect(await etc.get(trees, 'passwd-link')).toEqual({ type: 'hardlink', target: 'etc/passwd' });
    const a = (await ((await fs.upper.get(trees, 'data')) as MutableDir).get(trees, 'a')) as MutableDir;
    expect(a.opaque).toBe(true);
    expect(a.meta.mode).toBe(0o700);
    expect(td.decode(await fs.readFile('/etc/passwd-link'))).toBe('root:x:0:0\nuser:x:1000:1000');
    expect(td.decode(await fs.readFile('/usr/bin/git'))).toBe('git-v2');
    expect(td.decode(await fs.readFile('/lib/moved/er/x'))).toBe('x');
    expect(await fs.lstat('/opt/keep')).toMatchObject({ mode: 0o600, uid: 5, gid: 6 });

    // Everything observable is the same when the stored result is read back.
    expect(snapshot(await merged(trees, lower, fs), { times: true })).toEqual(before);
  });

  it('keeps running after a commit: later changes are relative to what was committed', async () => {
    const { vfs, fs, trees, lower } = await container();
    const o = ops(vfs);
    o.write('/etc/new', 'one');
    o.write('/etc/passwd', 'changed');
    vfs.link(ROOT, ROOT_INO, '/etc/new', ROOT_INO, '/opt/new-link', false);
    await vfs.commitTo(fs);
    // Second round: remove what the first round added (no whiteout needed), break a
    // link group, change a hard-linked file of the image, move a directory twice.
    vfs.unlink(ROOT, ROOT_INO, '/etc/new');
    vfs.unlink(ROOT, ROOT_INO, '/usr/bin/git');
    o.write('/usr/lib/git-core/git-commit', 'git-v3');
    vfs.rename(ROOT, ROOT_INO, '/data', ROOT_INO, '/data2');
    vfs.rename(ROOT, ROOT_INO, '/data2', ROOT_INO, '/data3');
    vfs.setattr(ROOT, ROOT_INO, { mode: 0o700 });
    const before = snapshot(vfs, { times: true });
    expect(vfs.changes()).toEqual([
      { kind: 'D', path: '/data' },
      { kind: 'A', path: '/data3' },
      { kind: 'A', path: '/data3/a' },
      { kind: 'A', path: '/data3/a/b' },
      { kind: 'A', path: '/data3/c' },
      { kind: 'C', path: '/etc' },
      { kind: 'D', path: '/etc/new' },
      { kind: 'C', path: '/opt' },
      { kind: 'C', path: '/opt/new-link' },
      { kind: 'C', path: '/usr' },
      { kind: 'C', path: '/usr/bin' },
      { kind: 'D', path: '/usr/bin/git' },
      { kind: 'C', path: '/usr/lib' },
      { kind: 'C', path: '/usr/lib/git-core' },
      { kind: 'C', path: '/usr/lib/git-core/git-add' },
      { kind: 'C', path: '/usr/lib/git-core/git-commit' },
    ]);
    await vfs.commitTo(fs);
    const etc = (await fs.upper.get(trees, 'etc')) as MutableDir;
    expect(await etc.get(trees, 'new')).toBeUndefined();
    expect((await fs.changes()).filter((c) => c.path.startsWith('/etc/'))).toEqual([{ kind: 'C', path: '/etc/passwd' }]);
    expect(await fs.lstat('/')).toMatchObject({ mode: 0o700 });
    expect(snapshot(await merged(trees, lower, fs), { times: true })).toEqual(before);
    expect(o.stat('/opt/new-link').nlink).toBe(1);
  });

  it('costs O(changed): one change in a large image is a handful of operations', async () => {
    const store = new MemoryStore();
    const trees = new TreeStore(store.blobs);
    const entries: TarWriteEntry[] = [dir('usr'), dir('usr/share')];
    for (let i = 0; i < 50; i++) {
      entries.push(dir(`usr/share/d${i}`));
      for (let j = 0; j < 20; j++) entries.push(file(`usr/share/d${i}/f${j}`, `${i}.${j}`));
    }
    const layer = await importLayer(trees, store.blobs, writeTar(entries));
    const lower = await applyLayer(trees, undefined, layer.root);
    const pre = await prefetch(trees, lower);
    const { source, counts } = counting(pre.source);
    const vfs = new Vfs(FsDomain.fromTree(lower, source, { usage: pre.usage }));
    ops(vfs).write('/usr/share/d42/f7', 'changed');
    expect(counts.dirs).toBe(4);
    const plan = vfs.domain.prepareCommit();
    expect(counts.dirs).toBe(4);
    expect(plan.ops).toEqual([{ op: 'node', path: '/usr/share/d42/f7', node: expect.objectContaining({ type: 'file', size: 7 }) }]);
    expect(plan.blobs.size).toBe(1);
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    await plan.applyTo(fs);
    expect(await fs.changes()).toEqual([
      { kind: 'C', path: '/usr' },
      { kind: 'C', path: '/usr/share' },
      { kind: 'C', path: '/usr/share/d42' },
      { kind: 'C', path: '/usr/share/d42/f7' },
    ]);
  }, 60_000);

  it('makes changes pending again when a commit fails or is aborted', async () => {
    const { vfs, fs, trees, lower } = await container();
    const o = ops(vfs);
    o.write('/etc/new', 'x');
    vfs.unlink(ROOT, ROOT_INO, '/etc/hosts');
    const want = vfs.changes();
    const plan = vfs.domain.prepareCommit();
    expect(vfs.changes()).toEqual([]);
    // Meanwhile a process keeps changing things.
    o.write('/opt/later', 'later');
    plan.abort();
    expect(vfs.changes()).toEqual([...want, { kind: 'C', path: '/opt' }, { kind: 'A', path: '/opt/later' }].sort((a, b) => (a.path < b.path ? -1 : 1)));
    // A union whose view is not this working set's base: the commit fails half-way, nothing is lost.
    const wrong = new UnionFs(trees, undefined, new MutableDir(EMPTY_META));
    await expect(vfs.commitTo(wrong)).rejects.toThrow();
    const before = snapshot(vfs, { times: true });
    await vfs.commitTo(fs);
    expect(snapshot(await merged(trees, lower, fs), { times: true })).toEqual(before);
  });

  it('writes a volume as a plain tree, hard links as files sharing a link id', async () => {
    const store = new MemoryStore();
    const trees = new TreeStore(store.blobs);
    const vol = FsDomain.empty({ mode: 0o755, uid: 0, gid: 0, mtime: 0 });
    const { vfs } = await container();
    vfs.mount('/data', vol);
    const o = ops(vfs);
    o.write('/data/a', 'a');
    vfs.mkdir(ROOT, ROOT_INO, '/data/d', 0o700);
    o.write('/data/d/b', 'b');
    vfs.link(ROOT, ROOT_INO, '/data/a', ROOT_INO, '/data/d/a2', false);
    vfs.symlink(ROOT, '../a', ROOT_INO, '/data/d/s');
    const root1 = await vol.commitTree(trees);
    expect(vfs.changes().some((c) => c.path.startsWith('/data'))).toBe(false);
    const dirOf = (await trees.dir(root1.tree)).entries.map(([n]) => n);
    expect(dirOf).toEqual(['a', 'd']);
    const a = await trees.lookup(root1, 'a');
    const a2 = await trees.lookup(root1, 'd/a2');
    expect(a).toMatchObject({ type: 'file', link: expect.any(String) });
    expect(a2).toEqual(a);
    const view = (await vfsOver(trees, root1));
    expect(snapshot(view)['/d/a2']).toMatchObject({ nlink: 2, sameAs: '/a', text: 'a' });
    // Second commit: unchanged subtrees keep their digests.
    o.write('/data/a', 'A');
    vfs.unlink(ROOT, ROOT_INO, '/data/d/b');
    const dBefore = await trees.lookup(root1, 'd');
    const root2 = await vol.commitTree(trees);
    const v2 = snapshot(await vfsOver(trees, root2));
    expect(v2['/a']).toMatchObject({ text: 'A', nlink: 2 });
    expect(v2['/d/b']).toBeUndefined();
    expect(dBefore).not.toEqual(await trees.lookup(root2, 'd'));
    o.write('/data/z', 'z');
    const root3 = await vol.commitTree(trees);
    expect((await trees.lookup(root3, 'd') as DirNode).tree).toBe((await trees.lookup(root2, 'd') as DirNode).tree);
  });
});
