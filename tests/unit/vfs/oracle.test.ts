// The same operation scripts run on a Vfs and on a real directory of this machine's
// kernel: every step's errno and the final tree (types, modes, owners, sizes, contents,
// link counts) must agree. Needs root (steps of other users switch the effective uid).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsDomain, ROOT_INO, Vfs, type Cred, type OpenFlags } from '../../../shared/vfs/index.ts';
import { FsError } from '../../../shared/unionfs/fs-error.ts';
import { te, td } from './helpers.ts';

type Who = Cred;
const root: Who = { uid: 0, gid: 0 };
const alice: Who = { uid: 1000, gid: 1000 };
const bob: Who = { uid: 1001, gid: 1001 };
const aliceStaff: Who = { uid: 1000, gid: 1000, groups: [50] };

type Step =
  | { op: 'mkdir'; path: string; mode: number }
  | { op: 'open'; path: string; flags: 'r' | 'r+' | 'w' | 'wx' | 'a' | 'ax'; mode?: number; text?: string }
  | { op: 'write'; path: string; offset: number; text: string }
  | { op: 'read' | 'readdir' | 'unlink' | 'rmdir' | 'readlink'; path: string }
  | { op: 'link' | 'rename'; path: string; to: string }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'chown'; path: string; uid?: number; gid?: number }
  | { op: 'utimes'; path: string; atime: number; mtime: number }
  | { op: 'truncate'; path: string; size: number };
type Run = Step & { as: Who };

const by = (as: Who, ...steps: Step[]): Run[] => steps.map((s) => ({ ...s, as }));

const SCRIPTS: Record<string, Run[]> = {
  'files and directories': by(root,
    { op: 'mkdir', path: 'a', mode: 0o755 },
    { op: 'mkdir', path: 'a', mode: 0o755 },
    { op: 'mkdir', path: 'a/b/c', mode: 0o755 },
    { op: 'mkdir', path: 'a/b', mode: 0o2750 },
    { op: 'open', path: 'a/f', flags: 'w', mode: 0o640, text: 'hello' },
    { op: 'open', path: 'a/f', flags: 'wx', mode: 0o600 },
    { op: 'open', path: 'a/f', flags: 'a', text: ' world' },
    { op: 'read', path: 'a/f' },
    { op: 'write', path: 'a/f', offset: 20, text: 'end' },
    { op: 'read', path: 'a/f' },
    { op: 'truncate', path: 'a/f', size: 3 },
    { op: 'truncate', path: 'a/f', size: 6 },
    { op: 'read', path: 'a/f' },
    { op: 'open', path: 'a', flags: 'r+' },
    { op: 'open', path: 'a', flags: 'w' },
    { op: 'open', path: 'a/f/x', flags: 'w' },
    { op: 'open', path: 'a/new/', flags: 'w' },
    { op: 'read', path: 'a' },
    { op: 'read', path: 'missing' },
    { op: 'unlink', path: 'a' },
    { op: 'unlink', path: 'a/f/' },
    { op: 'rmdir', path: 'a' },
    { op: 'rmdir', path: 'a/f' },
    { op: 'rmdir', path: 'a/b/.' },
    { op: 'rmdir', path: 'a/b/..' },
    { op: 'rmdir', path: 'a/b' },
    { op: 'mkdir', path: 'a/sub', mode: 0o1777 },
    { op: 'open', path: 'a/n'.padEnd(300, 'x'), flags: 'w' },
    { op: 'readdir', path: 'a' },
  ),
  'hard links and symlinks': by(root,
    { op: 'open', path: 'f', flags: 'w', text: 'data' },
    { op: 'mkdir', path: 'd', mode: 0o755 },
    { op: 'link', path: 'f', to: 'd/f2' },
    { op: 'link', path: 'f', to: 'd/f2' },
    { op: 'link', path: 'd', to: 'd2' },
    { op: 'link', path: 'missing', to: 'x' },
    { op: 'link', path: 'f', to: 'nodir/x' },
    { op: 'link', path: 'f', to: 'f3' },
    { op: 'write', path: 'd/f2', offset: 0, text: 'DA' },
    { op: 'read', path: 'f3' },
    { op: 'unlink', path: 'f' },
    { op: 'symlink', path: 'l', target: 'd/f2' },
    { op: 'symlink', path: 'l', target: 'x' },
    { op: 'symlink', path: 'dl', target: 'd' },
    { op: 'symlink', path: 'dangling', target: 'd/made' },
    { op: 'symlink', path: 'loop1', target: 'loop2' },
    { op: 'symlink', path: 'loop2', target: 'loop1' },
    { op: 'read', path: 'l' },
    { op: 'read', path: 'dl/f2' },
    { op: 'read', path: 'loop1' },
    { op: 'readlink', path: 'dl' },
    { op: 'readlink', path: 'd' },
    { op: 'open', path: 'dangling', flags: 'w', mode: 0o600, text: 'via link' },
    { op: 'open', path: 'dl', flags: 'wx' },
    { op: 'mkdir', path: 'dangling', mode: 0o755 },
    { op: 'mkdir', path: 'dl/', mode: 0o755 },
    { op: 'rmdir', path: 'dl' },
    { op: 'unlink', path: 'dl/' },
    { op: 'chmod', path: 'l', mode: 0o600 },
    { op: 'chown', path: 'l', uid: 7, gid: 8 },
    { op: 'rename', path: 'l', to: 'd/l2' },
    { op: 'read', path: 'd/l2' },
    { op: 'link', path: 'd/l2', to: 'hl' },
    { op: 'rename', path: 'f3', to: 'd/f2' },
  ),
  'rename': by(root,
    { op: 'mkdir', path: 'a', mode: 0o755 },
    { op: 'mkdir', path: 'a/b', mode: 0o755 },
    { op: 'mkdir', path: 'e', mode: 0o755 },
    { op: 'mkdir', path: 'full', mode: 0o755 },
    { op: 'open', path: 'full/x', flags: 'w', text: 'x' },
    { op: 'open', path: 'f', flags: 'w', text: 'f' },
    { op: 'open', path: 'g', flags: 'w', text: 'g' },
    { op: 'rename', path: 'a', to: 'a/b/c' },
    { op: 'rename', path: 'a', to: 'a/c' },
    { op: 'rename', path: 'a/b', to: 'a' },
    { op: 'rename', path: 'f', to: 'e' },
    { op: 'rename', path: 'e', to: 'f' },
    { op: 'rename', path: 'e', to: 'full' },
    { op: 'rename', path: 'f/', to: 'h' },
    { op: 'rename', path: 'f', to: 'h/' },
    { op: 'rename', path: 'missing', to: 'h' },
    { op: 'rename', path: 'f', to: 'nodir/h' },
    { op: 'rename', path: 'f', to: 'g' },
    { op: 'rename', path: 'a/b', to: 'e' },
    { op: 'rename', path: 'e', to: 'full/e2' },
    { op: 'rename', path: 'g', to: 'g' },
    { op: 'rename', path: 'full/e2', to: 'top' },
    { op: 'rename', path: 'a', to: 'a2/' },
  ),
  'permissions of another user': [
    ...by(root,
      { op: 'mkdir', path: 'rootonly', mode: 0o755 },
      { op: 'open', path: 'rootonly/secret', flags: 'w', mode: 0o600, text: 's' },
      { op: 'open', path: 'rootonly/public', flags: 'w', mode: 0o644, text: 'p' },
      { op: 'mkdir', path: 'home', mode: 0o755 },
      { op: 'chown', path: 'home', uid: 1000, gid: 1000 },
      { op: 'mkdir', path: 'closed', mode: 0o700 },
      { op: 'open', path: 'closed/f', flags: 'w', mode: 0o644, text: 'c' },
      { op: 'mkdir', path: 'passage', mode: 0o711 },
      { op: 'open', path: 'passage/f', flags: 'w', mode: 0o644, text: 'pf' },
      { op: 'mkdir', path: 'staff', mode: 0o770 },
      { op: 'chown', path: 'staff', gid: 50 },
    ),
    ...by(alice,
      { op: 'read', path: 'rootonly/secret' },
      { op: 'read', path: 'rootonly/public' },
      { op: 'open', path: 'rootonly/public', flags: 'r+' },
      { op: 'open', path: 'rootonly/new', flags: 'w' },
      { op: 'unlink', path: 'rootonly/public' },
      { op: 'mkdir', path: 'rootonly/d', mode: 0o755 },
      { op: 'rename', path: 'rootonly/public', to: 'home/p' },
      { op: 'link', path: 'rootonly/public', to: 'home/p' },
      { op: 'link', path: 'rootonly/secret', to: 'home/s' },
      { op: 'chmod', path: 'rootonly/public', mode: 0o666 },
      { op: 'chown', path: 'rootonly/public', uid: 1000 },
      { op: 'utimes', path: 'rootonly/public', atime: 1, mtime: 2 },
      { op: 'truncate', path: 'rootonly/public', size: 0 },
      { op: 'read', path: 'closed/f' },
      { op: 'readdir', path: 'closed' },
      { op: 'read', path: 'passage/f' },
      { op: 'readdir', path: 'passage' },
      { op: 'open', path: 'home/mine', flags: 'w', mode: 0o600, text: 'mine' },
      { op: 'mkdir', path: 'home/d', mode: 0o777 },
      { op: 'chmod', path: 'home/mine', mode: 0o2755 },
      { op: 'chown', path: 'home/mine', gid: 50 },
      { op: 'chown', path: 'home/mine', uid: 1000, gid: 1000 },
      { op: 'chown', path: 'home/mine', uid: 0 },
      { op: 'utimes', path: 'home/mine', atime: 100, mtime: 200 },
      { op: 'chmod', path: 'home/mine', mode: 0o400 },
      { op: 'open', path: 'home/mine', flags: 'r+' },
      { op: 'truncate', path: 'home/mine', size: 1 },
      { op: 'read', path: 'home/mine' },
      { op: 'open', path: 'staff/f', flags: 'w' },
    ),
    ...by(aliceStaff,
      { op: 'open', path: 'staff/f', flags: 'w', mode: 0o660, text: 'team' },
      { op: 'chown', path: 'home/mine', gid: 50 },
      { op: 'chmod', path: 'home/mine', mode: 0o2750 },
    ),
    ...by(alice,
      { op: 'chmod', path: 'home/mine', mode: 0o2750 },
      { op: 'read', path: 'staff/f' },
    ),
    ...by(bob,
      { op: 'open', path: 'home/d/bob', flags: 'w', text: 'b' },
      { op: 'chmod', path: 'home/d', mode: 0o700 },
      { op: 'read', path: 'home/mine' },
      { op: 'unlink', path: 'home/d/bob' },
    ),
    ...by(root,
      { op: 'chmod', path: 'home/d/bob', mode: 0o6755 },
      { op: 'chown', path: 'home/d/bob', uid: 0 },
    ),
  ],
  'sticky directory': [
    ...by(root, { op: 'mkdir', path: 'tmp', mode: 0o1777 }),
    ...by(alice,
      { op: 'open', path: 'tmp/a', flags: 'w', mode: 0o666, text: 'a' },
      { op: 'mkdir', path: 'tmp/ad', mode: 0o777 },
    ),
    ...by(bob,
      { op: 'open', path: 'tmp/b', flags: 'w', mode: 0o644, text: 'b' },
      { op: 'write', path: 'tmp/a', offset: 1, text: 'B' },
      { op: 'unlink', path: 'tmp/a' },
      { op: 'rename', path: 'tmp/a', to: 'tmp/x' },
      { op: 'rename', path: 'tmp/b', to: 'tmp/a' },
      { op: 'rmdir', path: 'tmp/ad' },
      { op: 'open', path: 'tmp/ad/b', flags: 'w', text: 'in' },
      { op: 'rename', path: 'tmp/ad/b', to: 'tmp/b2' },
      { op: 'link', path: 'tmp/a', to: 'tmp/hl' },
    ),
    ...by(alice,
      { op: 'unlink', path: 'tmp/ad/b' },
      { op: 'rename', path: 'tmp/a', to: 'tmp/a2' },
      { op: 'unlink', path: 'tmp/b' },
      { op: 'link', path: 'tmp/b', to: 'tmp/b-link' },
    ),
    ...by(root, { op: 'unlink', path: 'tmp/b' }, { op: 'chmod', path: 'tmp', mode: 0o777 }),
  ],
  'setgid directory and moving directories': [
    ...by(root,
      { op: 'mkdir', path: 'shared', mode: 0o2777 },
      { op: 'chown', path: 'shared', gid: 50 },
      { op: 'mkdir', path: 'pub', mode: 0o777 },
      { op: 'mkdir', path: 'pub/rootdir', mode: 0o755 },
    ),
    ...by(alice,
      { op: 'open', path: 'shared/f', flags: 'w', mode: 0o2775, text: 'x' },
      { op: 'mkdir', path: 'shared/d', mode: 0o700 },
      { op: 'mkdir', path: 'shared/d/e', mode: 0o750 },
      { op: 'mkdir', path: 'pub/mine', mode: 0o555 },
      { op: 'rename', path: 'pub/rootdir', to: 'shared/rootdir' },
      { op: 'rename', path: 'pub/rootdir', to: 'pub/renamed' },
      { op: 'rename', path: 'pub/mine', to: 'shared/mine' },
      { op: 'mkdir', path: 'shared/mine/x', mode: 0o755 },
    ),
    ...by(aliceStaff, { op: 'open', path: 'shared/g', flags: 'w', mode: 0o2775, text: 'y' }),
  ],
  'setuid and setgid bits': [
    ...by(root,
      { op: 'mkdir', path: 'd', mode: 0o777 },
      { op: 'open', path: 'd/suid', flags: 'w', mode: 0o4777, text: 'x' },
      { op: 'open', path: 'd/sgid-x', flags: 'w', mode: 0o2777, text: 'x' },
      { op: 'open', path: 'd/sgid-nox', flags: 'w', mode: 0o2766, text: 'x' },
      { op: 'open', path: 'd/both', flags: 'w', mode: 0o6755, text: 'x' },
      { op: 'open', path: 'd/both2', flags: 'w', mode: 0o6745, text: 'x' },
      { op: 'open', path: 'd/keep', flags: 'w', mode: 0o6777, text: 'x' },
      { op: 'open', path: 'd/trunc', flags: 'w', mode: 0o6777, text: 'xyz' },
      { op: 'open', path: 'd/otrunc', flags: 'w', mode: 0o4777, text: 'xyz' },
      { op: 'chown', path: 'd/both', uid: 0, gid: 0 },
      { op: 'chown', path: 'd/both2', gid: 5 },
      { op: 'chown', path: 'd/keep' },
      { op: 'write', path: 'd/keep', offset: 0, text: 'y' },
    ),
    ...by(alice,
      { op: 'write', path: 'd/suid', offset: 0, text: 'a' },
      { op: 'write', path: 'd/sgid-x', offset: 0, text: 'a' },
      { op: 'write', path: 'd/sgid-nox', offset: 0, text: 'a' },
      { op: 'truncate', path: 'd/trunc', size: 1 },
      { op: 'open', path: 'd/otrunc', flags: 'w' },
      { op: 'utimes', path: 'd/suid', atime: 1, mtime: 1 },
      { op: 'chmod', path: 'd', mode: 0o700 },
      { op: 'mkdir', path: 'mine', mode: 0o777 },
    ),
    ...by(root,
      { op: 'chmod', path: 'd', mode: 0o733 },
    ),
    ...by(alice,
      { op: 'open', path: 'd/new', flags: 'w', mode: 0o644, text: 'n' },
      { op: 'readdir', path: 'd' },
      { op: 'read', path: 'd/new' },
      { op: 'open', path: 'd/suid', flags: 'r' },
    ),
    ...by(root,
      { op: 'chmod', path: 'd', mode: 0o766 },
    ),
    ...by(alice,
      { op: 'open', path: 'd/new2', flags: 'w' },
      { op: 'readdir', path: 'd' },
    ),
  ],
};

/** The same steps on a Vfs. */
function runVfs(vfs: Vfs, step: Run): string {
  const c = step.as;
  const at = (p: string, follow: boolean) => vfs.lookup(c, ROOT_INO, p, follow);
  try {
    switch (step.op) {
      case 'mkdir':
        vfs.mkdir(c, ROOT_INO, step.path, step.mode);
        return 'OK';
      case 'open': {
        const f: Record<string, OpenFlags> = {
          r: { read: true },
          'r+': { read: true, write: true },
          w: { write: true, create: true, truncate: true },
          wx: { write: true, create: true, truncate: true, exclusive: true },
          a: { write: true, create: true },
          ax: { write: true, create: true, exclusive: true },
        };
        const ino = vfs.open(c, ROOT_INO, step.path, f[step.flags]!, step.mode ?? 0o644);
        try {
          if (step.text !== undefined) vfs.write(ino, step.flags.startsWith('a') ? vfs.stat(ino).size : 0, te.encode(step.text), c);
        } finally {
          vfs.close(ino);
        }
        return 'OK';
      }
      case 'write': {
        const ino = vfs.open(c, ROOT_INO, step.path, { read: true, write: true }, 0);
        vfs.write(ino, step.offset, te.encode(step.text), c);
        vfs.close(ino);
        return 'OK';
      }
      case 'read': {
        const ino = vfs.open(c, ROOT_INO, step.path, { read: true }, 0);
        try {
          return 'OK:' + td.decode(vfs.read(ino, 0, 1 << 20));
        } finally {
          vfs.close(ino);
        }
      }
      case 'readdir': {
        const ino = vfs.open(c, ROOT_INO, step.path, { read: true, directory: true }, 0);
        try {
          return 'OK:' + vfs.readdir(c, ino).map((e) => e.name).sort().join(',');
        } finally {
          vfs.close(ino);
        }
      }
      case 'readlink':
        return 'OK:' + vfs.readlink(c, ROOT_INO, step.path);
      case 'link':
        vfs.link(c, ROOT_INO, step.path, ROOT_INO, step.to, false);
        return 'OK';
      case 'symlink':
        vfs.symlink(c, step.target, ROOT_INO, step.path);
        return 'OK';
      case 'rename':
        vfs.rename(c, ROOT_INO, step.path, ROOT_INO, step.to);
        return 'OK';
      case 'unlink':
        vfs.unlink(c, ROOT_INO, step.path);
        return 'OK';
      case 'rmdir':
        vfs.rmdir(c, ROOT_INO, step.path);
        return 'OK';
      case 'chmod':
        vfs.setattr(c, at(step.path, true), { mode: step.mode });
        return 'OK';
      case 'chown': {
        vfs.setattr(c, at(step.path, false), { uid: step.uid ?? -1, gid: step.gid ?? -1 });
        return 'OK';
      }
      case 'utimes':
        vfs.setattr(c, at(step.path, false), { atimeNs: BigInt(step.atime) * 1_000_000_000n, mtimeNs: BigInt(step.mtime) * 1_000_000_000n });
        return 'OK';
      case 'truncate':
        vfs.setattr(c, at(step.path, true), { size: step.size });
        return 'OK';
    }
  } catch (e) {
    if (e instanceof FsError) return e.code;
    throw e;
  }
}

function vfsTree(vfs: Vfs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (dir: number, rel: string) => {
    for (const e of [...vfs.readdir(root, dir)].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const ino = vfs.lookup(root, dir, e.name, false);
      const s = vfs.stat(ino);
      const rec: Record<string, unknown> = { mode: s.mode.toString(8), uid: s.uid, gid: s.gid, nlink: s.nlink, type: s.type };
      if (s.type === 'file') {
        const fd = vfs.open(root, dir, e.name, { read: true }, 0);
        Object.assign(rec, { size: s.size, text: td.decode(vfs.read(fd, 0, 1 << 20)) });
        vfs.close(fd);
      } else if (s.type === 'symlink') Object.assign(rec, { target: vfs.readlink(root, dir, e.name), size: s.size });
      out[r] = rec;
      if (s.type === 'dir') walk(ino, r);
    }
  };
  walk(ROOT_INO, '');
  return out;
}

const sysctl = (name: string) => readFileSync(`/proc/sys/fs/${name}`, 'utf8').trim() === '1';
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('Vfs against the Linux kernel', () => {
  const names = Object.keys(SCRIPTS);
  const roots = names.map(() => {
    const d = mkdtempSync(join(tmpdir(), 'lb-vfs-oracle-'));
    chmodSync(d, 0o755);
    dirs.push(d);
    return d;
  });
  let real: Array<{ errnos: string[]; tree: Record<string, unknown> }> | undefined;
  const kernel = () => {
    real ??= JSON.parse(
      execFileSync(process.execPath, [join(import.meta.dirname, 'oracle-runner.mjs')], {
        input: JSON.stringify(names.map((n, i) => ({ root: roots[i], steps: SCRIPTS[n] }))),
        encoding: 'utf8',
        timeout: 60_000,
      }),
    );
    return real!;
  };

  names.forEach((name, i) => {
    it(name, () => {
      const steps = SCRIPTS[name]!;
      const vfs = new Vfs(FsDomain.empty({ mode: 0o755, uid: 0, gid: 0, mtime: 0 }), {
        protectedHardlinks: sysctl('protected_hardlinks'),
        protectedSymlinks: sysctl('protected_symlinks'),
      });
      const errnos = steps.map((s) => runVfs(vfs, s));
      const want = kernel()[i]!;
      const byStep = (list: string[]) => list.map((r, k) => `${k} ${steps[k]!.op} ${'path' in steps[k]! ? steps[k]!.path : ''} as ${steps[k]!.as.uid}: ${r}`);
      expect(byStep(errnos)).toEqual(byStep(want.errnos));
      expect(vfsTree(vfs)).toEqual(want.tree);
    });
  });
});
