/**
 * read [-r] [-n N] [-d DELIM] [-u FD] [-p PROMPT] [-s] [-t SECS] [NAME...]
 *
 * Reads one line without consuming past it (so the next command sees the rest of
 * the input), splits it on IFS as POSIX and ash do — the last name takes the rest of
 * the line — and fails (status 1) at end of input.
 */
import { fromBytes } from '../bytes.ts';
import type { Reader } from '../host.ts';
import type { Shell } from '../interp.ts';
import { isName } from '../lexer.ts';
import type { Builtin } from './types.ts';

/** Reads bytes up to and including `delim` (or `max` bytes, or end of input). */
async function readRecord(sh: Shell, reader: Reader, delim: string, max: number): Promise<{ text: string; eof: boolean }> {
  let text = '';
  const d = delim.charCodeAt(0);
  for (;;) {
    if (text.length >= max) return { text, eof: false };
    const want = max - text.length;
    const chunk = await sh.guard(reader.unread ? reader.read() : reader.read(1));
    if (chunk === null || chunk.length === 0) return { text, eof: true };
    let end = chunk.indexOf(d);
    let take = end >= 0 ? end + 1 : chunk.length;
    if (take > want) {
      take = want;
      end = -1;
    }
    text += fromBytes(chunk.subarray(0, take));
    if (take < chunk.length) reader.unread?.(chunk.subarray(take));
    if (end >= 0) return { text, eof: false };
  }
}

export const read: Builtin = {
  special: false,
  async run(sh: Shell, argv: string[]) {
    let raw = false;
    let delim = '\n';
    let max = Infinity;
    let fd = 0;
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (a.length < 2 || a[0] !== '-') break;
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === 'r' || c === 's') {
          if (c === 'r') raw = true;
          continue;
        }
        if ('pntud'.includes(c)) {
          let v = a.slice(k + 1);
          if (!v) {
            if (i + 1 >= argv.length) sh.fatal(`-${c}: requires an argument`);
            v = argv[++i]!;
          }
          if (c === 'd') delim = v[0] ?? '\0';
          else if (c === 'n') {
            if (!/^[0-9]+$/.test(v)) sh.fatal(`number expected: ${v}`);
            max = Number(v) || Infinity;
          } else if (c === 'u') {
            if (!/^[0-9]+$/.test(v)) sh.fatal(`invalid file descriptor: ${v}`);
            fd = Number(v);
          }
          break;
        }
        sh.fatal(`illegal option -${c}`);
      }
    }
    const names = argv.slice(i);
    for (const n of names) if (!isName(n)) sh.fatal(`'${n}': not a valid identifier`);
    const reader = sh.fds.get(fd)?.reader;
    if (!reader) {
      sh.error('read error: Bad file descriptor');
      return 1;
    }
    // Collect the line: backslash escapes (unless -r) and line continuations.
    const chars: { c: string; escaped: boolean }[] = [];
    let eof = false;
    for (;;) {
      const rec = await readRecord(sh, reader, delim, max - chars.length);
      let t = rec.text;
      eof = rec.eof;
      const ended = !eof && t.endsWith(delim) && chars.length + t.length <= max;
      if (ended) t = t.slice(0, -1);
      let continued = false;
      for (let k = 0; k < t.length; k++) {
        const c = t[k]!;
        if (!raw && c === '\\') {
          if (k + 1 < t.length) {
            chars.push({ c: t[++k]!, escaped: true });
          } else if (ended && delim === '\n') {
            continued = true;
          }
          continue;
        }
        chars.push({ c, escaped: false });
      }
      if (continued && !eof) continue;
      break;
    }
    if (!names.length) {
      sh.assign('REPLY', chars.map((x) => x.c).join(''));
      return eof ? 1 : 0;
    }
    const ifs = sh.vars.get('IFS') ?? ' \t\n';
    const isWhite = (c: string): boolean => c === ' ' || c === '\t' || c === '\n';
    let n = 0;
    let buf: { c: string; escaped: boolean }[] = [];
    // 1: at the start of a field; 2: after a field ended by white space (one
    // non-white IFS character may still belong to that delimiter).
    let startword = 1;
    for (const ch of chars) {
      const inIfs = !ch.escaped && ifs.includes(ch.c);
      if (startword && inIfs) {
        if (isWhite(ch.c)) continue;
        startword--;
        if (startword === 1) continue;
      }
      startword = 0;
      if (n < names.length - 1 && inIfs) {
        sh.assign(names[n++]!, buf.map((x) => x.c).join(''));
        buf = [];
        startword = isWhite(ch.c) ? 2 : 1;
        continue;
      }
      buf.push(ch);
    }
    // The last name takes the rest, less trailing IFS white space, and less a final
    // delimiter when it only ends the one field left ("a:b:" gives y=b, as in ash).
    const isIfs = (x: { c: string; escaped: boolean }): boolean => !x.escaped && ifs.includes(x.c);
    let end = buf.length;
    while (end > 0 && isIfs(buf[end - 1]!) && isWhite(buf[end - 1]!.c)) end--;
    buf = buf.slice(0, end);
    const first = buf.findIndex(isIfs);
    if (first >= 0 && buf.slice(first).every(isIfs) && buf.slice(first).filter((x) => !isWhite(x.c)).length === 1) buf = buf.slice(0, first);
    sh.assign(names[n++]!, buf.map((x) => x.c).join(''));
    while (n < names.length) sh.assign(names[n++]!, '');
    return eof ? 1 : 0;
  },
};
