import type { CopySource, SourceEntry } from './source.ts';

/** Whether a path component has glob characters (Go's filepath.Match syntax). */
export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s.replace(/\\./g, ''));
}

/** Compile one path component pattern (Go filepath.Match: `*`, `?`, `[a-z]`, `[^a]`, `\x`). */
export function componentRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escape(pattern[++i]!);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp('^' + re + '$', 's');
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

/**
 * Every source path matching `pattern` (relative to the source root), in sorted order.
 * Components without glob characters are looked up directly; `**` matches any number
 * of directories.
 */
export async function expandGlob(src: CopySource, pattern: string): Promise<SourceEntry[]> {
  const parts = pattern.split('/').filter((p) => p && p !== '.');
  const out: SourceEntry[] = [];
  const seen = new Set<string>();
  const walk = async (base: string, i: number): Promise<void> => {
    if (i === parts.length) {
      const e = await src.lstat(base);
      if (e && !seen.has(e.path)) {
        seen.add(e.path);
        out.push(e);
      }
      return;
    }
    const part = parts[i]!;
    if (part === '**') {
      await walk(base, i + 1);
      const dir = await src.lstat(base);
      if (dir?.type !== 'dir') return;
      for (const child of await src.readdir(base)) if (child.type === 'dir') await walk(child.path, i);
      return;
    }
    if (!hasGlob(part)) {
      const next = base ? `${base}/${unescape(part)}` : unescape(part);
      if (i < parts.length - 1) {
        const e = await src.lstat(next);
        if (!e || (e.type !== 'dir' && e.type !== 'symlink')) return;
      }
      await walk(next, i + 1);
      return;
    }
    const dir = await src.lstat(base);
    if (dir?.type !== 'dir') return;
    const re = componentRegExp(part);
    for (const child of await src.readdir(base)) {
      const name = child.path.slice(base ? base.length + 1 : 0);
      if (re.test(name)) await walk(child.path, i + 1);
    }
  };
  await walk('', 0);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
