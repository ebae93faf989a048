import { InvalidArgumentError } from '../errors.ts';
import { ROOT_INO, type Cred, type FsApi } from '../vfs/fs-api.ts';

export interface ProcessUser {
  cred: Cred;
  /** From /etc/passwd; `/` when the user has no entry, as Docker sets it. */
  home: string;
}

const ROOT_CRED: Cred = { uid: 0, gid: 0 };

/** A colon-separated database read from the container (empty when absent or unreadable). */
function table(fs: FsApi, path: string): string[][] {
  try {
    const ino = fs.lookup(ROOT_CRED, ROOT_INO, path, true);
    const st = fs.stat(ino);
    const text = new TextDecoder().decode(fs.read(ino, 0, st.size));
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/**
 * The credentials a process runs with for `USER` / `-u`: `name|uid[:group|gid]`, resolved
 * in the container's own /etc/passwd and /etc/group as Docker does: a name must exist; a
 * uid need not (its gid is then 0); supplementary groups are those listing the user.
 */
export function resolveUser(fs: FsApi, spec: string, where = 'user'): ProcessUser {
  if (!spec) spec = '0';
  const [user, group] = spec.split(':', 2) as [string, string | undefined];
  const passwd = table(fs, '/etc/passwd');
  let row: string[] | undefined;
  let uid: number;
  if (/^\d+$/.test(user)) {
    uid = Number(user);
    row = passwd.find((r) => r[2] === user);
  } else {
    row = passwd.find((r) => r[0] === user);
    if (!row) throw new InvalidArgumentError(`${where}: unable to find user ${user}: no matching entries in passwd file`);
    uid = Number(row[2]);
  }
  let gid = row ? Number(row[3]) : 0;
  const groups = table(fs, '/etc/group');
  if (group !== undefined && group !== '') {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const g = groups.find((r) => r[0] === group);
      if (!g) throw new InvalidArgumentError(`${where}: unable to find group ${group}: no matching entries in group file`);
      gid = Number(g[2]);
    }
  }
  const name = row?.[0];
  const extra = name
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])).filter((g) => g !== gid)
    : [];
  const cred: Cred = extra.length ? { uid, gid, groups: extra } : { uid, gid };
  return { cred, home: row?.[5] || '/' };
}

export { ROOT_CRED };
