import { InvalidArgumentError } from '../errors.ts';
import type { UnionFs } from '../unionfs/unionfs.ts';

/** A colon-separated database (/etc/passwd or /etc/group) as rows of fields. */
async function table(fs: UnionFs, path: string): Promise<string[][]> {
  try {
    const text = new TextDecoder().decode(await fs.readFile(path));
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/**
 * Resolve `user[:group]` (names or numbers) against the image's /etc/passwd and
 * /etc/group, as Docker does for `COPY --chown` and `USER`. A user given without a
 * group takes the user's primary group from /etc/passwd when named; a numeric uid
 * alone gets the same gid.
 */
export async function resolveOwner(fs: UnionFs, spec: string, where: string): Promise<{ uid: number; gid: number }> {
  const [user, group] = spec.split(':', 2) as [string, string | undefined];
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(user)) uid = Number(user);
  else {
    const row = (await table(fs, '/etc/passwd')).find((r) => r[0] === user);
    if (!row) throw new InvalidArgumentError(`${where}: unable to find user ${user}: no matching entries in passwd file`);
    uid = Number(row[2]);
    gid = Number(row[3]);
  }
  if (group !== undefined && group !== '') {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const row = (await table(fs, '/etc/group')).find((r) => r[0] === group);
      if (!row) throw new InvalidArgumentError(`${where}: unable to find group ${group}: no matching entries in group file`);
      gid = Number(row[2]);
    }
  } else if (/^\d+$/.test(user)) gid = uid;
  return { uid, gid: gid ?? uid };
}

/** Parse `--chmod` (octal only, as Docker 20.10). */
export function parseChmod(spec: string, where: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new InvalidArgumentError(`${where}: invalid chmod parameter ${JSON.stringify(spec)}: use octal digits such as 0755`);
  return parseInt(spec, 8);
}
