import type { Shell } from '../interp.ts';

/** A command run inside the shell. Errors raise ShellError through Shell.fatal. */
export interface Builtin {
  /** POSIX special builtins: their errors end a non-interactive shell, their assignments persist. */
  special: boolean;
  run(sh: Shell, argv: string[], tested: boolean): Promise<number>;
}

/**
 * Leading options in ash's style: clustered letters, `--` ends them; returns the
 * options seen and the index of the first operand. An unknown letter is fatal
 * ("illegal option -z").
 */
export function parseOptions(sh: Shell, argv: string[], letters: string, withArg = ''): { opts: Map<string, string>; rest: number } {
  const opts = new Map<string, string>();
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
      if (withArg.includes(c)) {
        let v = a.slice(k + 1);
        if (!v) {
          v = argv[++i] ?? '';
          if (i >= argv.length) sh.fatal(`option requires an argument -- ${c}`);
        }
        opts.set(c, v);
        break;
      }
      if (!letters.includes(c)) sh.fatal(`illegal option -${c}`);
      opts.set(c, '');
    }
  }
  return { opts, rest: i };
}

/** ash's number(): digits only, else "Illegal number". */
export function number(sh: Shell, s: string): number {
  if (!/^[0-9]+$/.test(s)) sh.fatal(`Illegal number: ${s}`);
  return Number(s);
}
