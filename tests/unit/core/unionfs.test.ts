import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { TreeStore } from '../../../shared/tree/tree-store.ts';
import { MutableDir, EMPTY_META } from '../../../shared/tree/mutable.ts';
import { UnionFs } from '../../../shared/unionfs/unionfs.ts';
import { applyLayer } from '../../../shared/layer/merge.ts';
import type { FileNode } from '../../../shared/tree/node.ts';

const te = new TextEncoder();

async function setup() {
  const store = new MemoryStore();
  const trees = new TreeStore(store.blobs);
  const file = async (text: string, mode = 0o644): Promise<FileNode> => ({
    type: 'file', mode, uid: 0, gid: 0, mtime: 1, size: text.length, digest: await store.blobs.put(te.encode(text)),
  });
  // Lower image: /etc/passwd, /etc/hosts, /bin/sh -> busybox, /data/a/b
  const fs0 = new UnionFs(trees, undefined, new MutableDir(EMPTY_META));
  await fs0.mkdir('/etc', EMPTY_META);
  await fs0.writeNode('/etc/passwd', await file('root:x:0:0\n'));
  await fs0.writeNode('/etc/hosts', await file('127.0.0.1 localhost\n'));
  await fs0.mkdir('/bin', EMPTY_META);
  await fs0.writeNode('/bin/busybox', await file('ELF', 0o755));
  await fs0.writeNode('/bin/sh', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1, target: 'busybox' });
  await fs0.mkdir('/data/a', EMPTY_META, { parents: true });
  await fs0.writeNode('/data/a/b', await file('b'));
  await fs0.writeNode('/etc-link', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1, target: '/etc' });
  await fs0.writeNode('/escape', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1, target: '../../../etc' });
  const lower = await fs0.upper.persist(trees);
  return { store, trees, file, lower };
}

describe('UnionFs', () => {
  it('reads through to the lower layer and resolves symlinks inside the root', async () => {
    const { trees, lower } = await setup();
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    expect(new TextDecoder().decode(await fs.readFile('/etc-link/passwd'))).toBe('root:x:0:0\n');
    expect(await fs.resolve('/escape/hosts')).toBe('/etc/hosts');
    expect((await fs.lstat('/bin/sh'))?.type).toBe('symlink');
    expect((await fs.stat('/bin/sh'))?.type).toBe('file');
    expect((await fs.readdir('/')).map(([n]) => n)).toEqual(['bin', 'data', 'escape', 'etc', 'etc-link']);
  });

  it('copies up on write, whiteouts deletions, and reports Docker-style changes', async () => {
    const { trees, lower, file } = await setup();
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    await fs.writeNode('/etc/passwd', await file('changed'));
    await fs.writeNode('/etc/new', await file('new'));
    await fs.remove('/etc/hosts');
    await fs.remove('/data', { recursive: true });
    await fs.mkdir('/tmp/x', EMPTY_META, { parents: true });
    expect(await fs.changes()).toEqual([
      { kind: 'D', path: '/data' },
      { kind: 'C', path: '/etc' },
      { kind: 'A', path: '/etc/new' },
      { kind: 'D', path: '/etc/hosts' },
      { kind: 'C', path: '/etc/passwd' },
      { kind: 'A', path: '/tmp' },
      { kind: 'A', path: '/tmp/x' },
    ].sort((a, b) => (a.path < b.path ? -1 : 1)));
    expect(await fs.stat('/etc/hosts')).toBeUndefined();
    expect(new TextDecoder().decode(await fs.readFile('/etc/passwd'))).toBe('changed');
    // The lower tree is untouched.
    const again = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    expect(new TextDecoder().decode(await again.readFile('/etc/passwd'))).toBe('root:x:0:0\n');
    expect(await again.stat('/etc/hosts')).toBeDefined();
  });

  it('re-creating a deleted directory makes it opaque', async () => {
    const { trees, lower } = await setup();
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    await fs.remove('/data', { recursive: true });
    await fs.mkdir('/data', EMPTY_META);
    expect(await fs.readdir('/data')).toEqual([]);
    const upper = await fs.upper.persist(trees);
    const merged = await applyLayer(trees, lower, upper);
    const view = new UnionFs(trees, merged, new MutableDir(EMPTY_META, { implicit: true }));
    expect(await view.readdir('/data')).toEqual([]);
    expect((await view.readdir('/etc')).map(([n]) => n)).toEqual(['hosts', 'passwd']);
  });

  it('applying a committed upper layer gives the same view as the union', async () => {
    const { trees, lower, file } = await setup();
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    await fs.writeNode('/etc/passwd', await file('changed'));
    await fs.remove('/bin/sh');
    await fs.mkdir('/home/u', { mode: 0o700, uid: 1000, gid: 1000, mtime: 5 }, { parents: true });
    const merged = await applyLayer(trees, lower, await fs.upper.persist(trees));
    const flat = new UnionFs(trees, merged, new MutableDir(EMPTY_META, { implicit: true }));
    for (const p of ['/', '/etc', '/bin', '/home', '/data/a']) {
      expect(await flat.readdir(p)).toEqual(await fs.readdir(p));
    }
    expect((await flat.lstat('/home/u'))?.uid).toBe(1000);
  });

  it('errors carry POSIX codes', async () => {
    const { trees, lower, file } = await setup();
    const fs = new UnionFs(trees, lower, new MutableDir(EMPTY_META, { implicit: true }));
    await expect(fs.readFile('/nope')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.writeNode('/etc/passwd/x', await file('x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fs.remove('/etc')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await expect(fs.mkdir('/etc', EMPTY_META)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
