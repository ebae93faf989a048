/**
 * Pathname expansion: matches a pattern against the file system one path component
 * at a time. As in ash, `*` and `?` do not match a leading dot, a pattern that starts
 * with a literal dot does (including `.` and `..`), and results are sorted bytewise.
 */
import type { Shell } from './interp.ts';
import { pathJoin } from './io.ts';
import { hasGlob, matchPattern, unescapePattern } from './pattern.ts';

function join(base: string, name: string): string {
  if (base === '') return name;
  if (base.endsWith('/')) return base + name;
  return base + '/' + name;
}

/** The matching paths, sorted; empty when nothing matches. */
export async function glob(sh: Shell, pattern: string): Promise<string[]> {
  const comps = pattern.split('/');
  let bases = [pattern.startsWith('/') ? '/' : ''];
  let checkLast = false;
  const start = pattern.startsWith('/') ? 1 : 0;
  for (let i = start; i < comps.length; i++) {
    const comp = comps[i]!;
    const last = i === comps.length - 1;
    if (comp === '') {
      // '//' inside a pattern, or a trailing '/': keep only directories.
      if (last) {
        const dirs: string[] = [];
        for (const b of bases) {
          const st = await sh.fs.stat(pathJoin(sh.cwd, b || '.'));
          if (st?.type === 'directory') dirs.push(b.endsWith('/') ? b : b + '/');
        }
        bases = dirs;
      }
      continue;
    }
    if (!hasGlob(comp)) {
      const lit = unescapePattern(comp);
      bases = bases.map((b) => join(b, lit));
      checkLast = last;
      continue;
    }
    const next: string[] = [];
    const dotOk = comp.startsWith('.') || comp.startsWith('\\.');
    for (const b of bases) {
      let names: string[];
      try {
        names = await sh.fs.readdir(pathJoin(sh.cwd, b || '.'));
      } catch {
        continue;
      }
      if (dotOk) names = ['.', '..', ...names];
      for (const name of names) {
        if (name.startsWith('.') && !dotOk) continue;
        if (!matchPattern(comp, name)) continue;
        const path = join(b, name);
        if (!last) {
          const st = await sh.fs.stat(pathJoin(sh.cwd, path));
          if (st?.type !== 'directory') continue;
        }
        next.push(path);
      }
    }
    bases = next;
    if (!bases.length) return [];
  }
  if (checkLast) {
    const kept: string[] = [];
    for (const b of bases) if (await sh.fs.lstat(pathJoin(sh.cwd, b))) kept.push(b);
    bases = kept;
  }
  return bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
