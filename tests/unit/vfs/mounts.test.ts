import { describe, expect, it } from 'vitest';
import { FsDomain, ROOT_INO, Vfs, type Cred, type SyntheticProvider } from '../../../shared/vfs/index.ts';
import { errno, ops, ROOT, storedTree, te, td, USER, vfsOf } from './helpers.ts';
import { prefetch } from '../../../shared/vfs/index.ts';

async function volume(specs: Parameters<typeof storedTree>[0]) {
  const t = await storedTree(specs);
  const pre = await prefetch(t.trees, t.root, { budget: 1 << 20 });
  return { ...t, domain: FsDomain.fromTree(t.root, pre.source, { links: pre.links }) };
}

/** A tiny /proc: self, <pid>/status, uptime (a counter that changes on every read). */
function procfs(): SyntheticProvider & { reads: number } {
  const p = {
    reads: 0,
    node(path: string, caller: Cred) {
      if (path === '' || path === '7' || path === '8') return { type: 'dir' as const, mode: 0o555 };
      if (path === 'self') return { type: 'symlink' as const, mode: 0o777, target: String(caller.pid ?? 0) };
      if (path === 'uptime' || path === '7/status' || path === '8/status') return { type: 'file' as const, mode: 0o444 };
      return undefined;
    },
    list(path: string) {
      return path === '' ? ['7', '8', 'self', 'uptime'] : ['status'];
    },
    read(path: string, caller: Cred) {
      p.reads++;
      return te.encode(path === 'uptime' ? `${p.reads}\n` : `Pid:\t${path.split('/')[0]}\nUid:\t${caller.uid}\n`);
    },
  };
  return p;
}

describe('Vfs mounts', () => {
  it('crosses mount points, climbs out with `..`, and refuses cross-mount names', async () => {
    const { vfs } = await vfsOf([{ path: '/data', type: 'dir' }, { path: '/f', type: 'file', text: 'root' }]);
    const v = await volume([{ path: '/inside', type: 'file', text: 'vol' }, { path: '/sub/x', type: 'file', text: 'x' }]);
    vfs.mount('/data', v.domain);
    const o = ops(vfs);
    expect(o.read('/data/inside')).toBe('vol');
    expect(o.ls('/data')).toEqual(['inside', 'sub']);
    const sub = vfs.lookup(ROOT, ROOT_INO, '/data/sub', true);
    expect(vfs.pathOf(sub)).toBe('/data/sub');
    expect(vfs.pathOf(vfs.lookup(ROOT, ROOT_INO, '/data', true))).toBe('/data');
    expect(vfs.lookup(ROOT, sub, '../..', true)).toBe(ROOT_INO);
    expect(vfs.lookup(ROOT, sub, '../../f', true)).toBe(vfs.lookup(ROOT, ROOT_INO, '/f', true));
    expect(errno(() => vfs.rename(ROOT, ROOT_INO, '/f', ROOT_INO, '/data/f'))).toBe('EXDEV');
    expect(errno(() => vfs.rename(ROOT, ROOT_INO, '/data/inside', ROOT_INO, '/inside'))).toBe('EXDEV');
    expect(errno(() => vfs.link(ROOT, ROOT_INO, '/f', ROOT_INO, '/data/f', false))).toBe('EXDEV');
    // The mount point itself cannot be removed or renamed.
    expect(errno(() => vfs.rmdir(ROOT, ROOT_INO, '/data'))).toBe('EINVAL');
    expect(errno(() => vfs.rename(ROOT, ROOT_INO, '/data', ROOT_INO, '/data2'))).toBe('EINVAL');
    // Writes land in the volume's domain, not the root's.
    o.write('/data/new', 'n');
    expect(vfs.changes()).toEqual([]);
    expect(v.domain.changes()).toEqual([{ kind: 'A', path: '/new' }]);
    expect(vfs.stat(vfs.lookup(ROOT, ROOT_INO, '/data/new', true)).ino).not.toBe(vfs.stat(vfs.lookup(ROOT, ROOT_INO, '/f', true)).ino);
    // What was under the mount point shows again after umount.
    vfs.umount('/data');
    expect(o.ls('/data')).toEqual([]);
  });

  it('gives EROFS on read-only mounts and a read-only root', async () => {
    const { vfs } = await vfsOf([{ path: '/ro', type: 'dir' }, { path: '/rw', type: 'dir' }, { path: '/f', type: 'file', text: 'x', mode: 0o666 }], { readOnly: true });
    const ro = await volume([{ path: '/v', type: 'file', text: 'v', mode: 0o666 }]);
    vfs.mount('/ro', ro.domain, { readOnly: true });
    vfs.mount('/rw', FsDomain.empty({ mode: 0o1777, uid: 0, gid: 0, mtime: 0 }));
    const o = ops(vfs);
    for (const p of ['/f', '/ro/v']) {
      expect(errno(() => vfs.open(ROOT, ROOT_INO, p, { write: true }, 0))).toBe('EROFS');
      expect(errno(() => vfs.unlink(ROOT, ROOT_INO, p))).toBe('EROFS');
      expect(errno(() => vfs.setattr(ROOT, vfs.lookup(ROOT, ROOT_INO, p, true), { mode: 0o600 }))).toBe('EROFS');
      expect(errno(() => vfs.setattr(ROOT, vfs.lookup(ROOT, ROOT_INO, p, true), { size: 0 }))).toBe('EROFS');
      expect(vfs.access(ROOT, vfs.lookup(ROOT, ROOT_INO, p, true), 2)).toBe(false);
      expect(vfs.access(ROOT, vfs.lookup(ROOT, ROOT_INO, p, true), 4)).toBe(true);
    }
    expect(o.read('/ro/v')).toBe('v');
    expect(errno(() => vfs.mkdir(ROOT, ROOT_INO, '/ro/d', 0o755))).toBe('EROFS');
    expect(errno(() => vfs.mkdir(ROOT, ROOT_INO, '/ro', 0o755))).toBe('EEXIST');
    expect(errno(() => vfs.rmdir(ROOT, ROOT_INO, '/ro/missing'))).toBe('EROFS');
    expect(errno(() => vfs.open(USER, ROOT_INO, '/new', { write: true, create: true }, 0o644))).toBe('EROFS');
    expect(errno(() => vfs.rename(ROOT, ROOT_INO, '/f', ROOT_INO, '/g'))).toBe('EROFS');
    // A writable tmpfs on a read-only root.
    o.write('/rw/scratch', 'ok', USER);
    expect(o.read('/rw/scratch')).toBe('ok');
    expect(vfs.statfs(vfs.lookup(ROOT, ROOT_INO, '/rw', true)).files - vfs.statfs(vfs.lookup(ROOT, ROOT_INO, '/rw', true)).filesFree).toBe(2);
  });

  it('makes missing mount points that are never committed unless something else changes them', async () => {
    const { vfs } = await vfsOf([{ path: '/etc/x', type: 'file' }]);
    vfs.mount('/proc', procfs(), { create: true });
    vfs.mount('/run/secrets', FsDomain.empty(), { create: true });
    expect(ops(vfs).ls('/')).toEqual(['etc', 'proc', 'run']);
    expect(vfs.changes()).toEqual([]);
    expect(vfs.domain.dirty).toBe(false);
    // Something made next to a ghost makes its parent real.
    vfs.mkdir(ROOT, ROOT_INO, '/run/lock', 0o755);
    expect(vfs.changes()).toEqual([
      { kind: 'A', path: '/run' },
      { kind: 'A', path: '/run/lock' },
    ]);
  });

  it('serves synthetic trees generated per caller and per open', async () => {
    const { vfs } = await vfsOf([{ path: '/proc', type: 'dir' }]);
    const proc = procfs();
    vfs.mount('/proc', proc);
    const me: Cred = { uid: 1000, gid: 1000, pid: 8 };
    expect(vfs.readlink(me, ROOT_INO, '/proc/self')).toBe('8');
    expect(vfs.readlink({ ...me, pid: 7 }, ROOT_INO, '/proc/self')).toBe('7');
    const ino = vfs.open(me, ROOT_INO, '/proc/self/status', { read: true }, 0);
    expect(td.decode(vfs.read(ino, 0, 100))).toBe('Pid:\t8\nUid:\t1000\n');
    expect(td.decode(vfs.read(ino, 5, 1))).toBe('8');
    vfs.close(ino);
    const up = vfs.open(me, ROOT_INO, '/proc/uptime', { read: true }, 0);
    const first = td.decode(vfs.read(up, 0, 100));
    expect(td.decode(vfs.read(up, 0, 100))).toBe(first); // one snapshot per open
    vfs.close(up);
    expect(ops(vfs).read('/proc/uptime')).not.toBe(first);
    const procIno = vfs.lookup(me, ROOT_INO, '/proc', true);
    expect(vfs.readdir(me, procIno).map((e) => [e.name, e.type])).toEqual([['7', 'dir'], ['8', 'dir'], ['self', 'symlink'], ['uptime', 'file']]);
    expect(vfs.readdir(me, procIno, 2).map((e) => e.name)).toEqual(['self', 'uptime']);
    expect(vfs.lookup(me, ROOT_INO, '/proc/7', true)).toBe(vfs.lookup(me, ROOT_INO, '/proc/7', true));
    expect(errno(() => vfs.open(me, ROOT_INO, '/proc/uptime', { write: true }, 0))).toBe('EACCES');
    expect(errno(() => vfs.open(ROOT, ROOT_INO, '/proc/uptime', { write: true }, 0))).toBe('EACCES');
    expect(errno(() => vfs.open(ROOT, ROOT_INO, '/proc/new', { write: true, create: true }, 0o644))).toBe('EACCES');
    expect(errno(() => vfs.mkdir(ROOT, ROOT_INO, '/proc/d', 0o755))).toBe('EACCES');
    expect(errno(() => vfs.unlink(ROOT, ROOT_INO, '/proc/uptime'))).toBe('EACCES');
    expect(errno(() => vfs.setattr(ROOT, vfs.lookup(ROOT, ROOT_INO, '/proc/uptime', true), { mode: 0o777 }))).toBe('EPERM');
    expect(errno(() => vfs.lookup(me, ROOT_INO, '/proc/9', true))).toBe('ENOENT');
    expect(vfs.pathOf(vfs.lookup(me, ROOT_INO, '/proc/self', true))).toBe('/proc/8');
  });

  it('binds a directory of another working set; both see the same inodes', async () => {
    const a = await vfsOf([{ path: '/shared/doc', type: 'file', text: 'v1' }]);
    const b = await vfsOf([{ path: '/mnt', type: 'dir' }]);
    b.vfs.mount('/mnt', a.vfs.domain, { subdir: '/shared' });
    ops(b.vfs).write('/mnt/doc', 'v2');
    expect(ops(a.vfs).read('/shared/doc')).toBe('v2');
    ops(a.vfs).write('/shared/more', 'm');
    expect(ops(b.vfs).ls('/mnt')).toEqual(['doc', 'more']);
    const inB = b.vfs.lookup(ROOT, ROOT_INO, '/mnt/doc', true);
    expect(a.vfs.lookup(ROOT, ROOT_INO, '/shared/doc', true)).toBe(inB);
    // `..` from the bound directory leaves the bind, not into the other tree.
    expect(b.vfs.lookup(ROOT, ROOT_INO, '/mnt/..', true)).toBe(ROOT_INO);
    expect(a.vfs.changes()).toEqual([
      { kind: 'C', path: '/shared' },
      { kind: 'C', path: '/shared/doc' },
      { kind: 'A', path: '/shared/more' },
    ]);
  });

  it('builds from a stored tree without a prefetch helper (Vfs.fromTree)', async () => {
    const t = await storedTree([{ path: '/a', type: 'file', text: 'a' }]);
    const pre = await prefetch(t.trees, t.root, { budget: 100 });
    const vfs = Vfs.fromTree(t.root, pre.source, { usage: pre.usage });
    expect(ops(vfs).read('/a')).toBe('a');
  });

  it('forgets synthetic nodes that are gone, keeping open ones readable', async () => {
    const { vfs } = await vfsOf([]);
    let alive = true;
    vfs.mount('/proc', {
      node: (p) => (p === '' ? { type: 'dir', mode: 0o555 } : p === 'x' && alive ? { type: 'file', mode: 0o444 } : undefined),
      list: () => (alive ? ['x'] : []),
      read: () => te.encode('gen'),
    }, { create: true });
    const ino = vfs.open(ROOT, ROOT_INO, '/proc/x', { read: true }, 0);
    const other = vfs.lookup(ROOT, ROOT_INO, '/proc', true);
    alive = false;
    expect(vfs.readdir(ROOT, other)).toEqual([]);
    expect(errno(() => vfs.lookup(ROOT, ROOT_INO, '/proc/x', true))).toBe('ENOENT');
    expect(td.decode(vfs.read(ino, 0, 10))).toBe('gen');
    vfs.close(ino);
    expect(errno(() => vfs.stat(ino))).toBe('ENOENT');
  });
});
