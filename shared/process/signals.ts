/** Linux signal numbers and default actions (signal(7), x86-64/arm64 numbering). */
import { InvalidArgumentError } from '../errors.ts';

export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

export const SIGKILL = 9;
export const SIGTERM = 15;
export const SIGPIPE = 13;
export const SIGCONT = 18;
export const SIGSTOP = 19;

export type SignalAction = 'terminate' | 'ignore' | 'stop' | 'continue';

export function defaultAction(sig: number): SignalAction {
  switch (sig) {
    case 17: case 23: case 28: return 'ignore';
    case 18: return 'continue';
    case 19: case 20: case 21: case 22: return 'stop';
    default: return 'terminate';
  }
}

/** A signal by number or name (`9`, `KILL`, `SIGKILL`, `sigterm`), as `docker kill -s` takes it. */
export function signalNumber(s: string | number): number {
  if (typeof s === 'number' || /^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isInteger(n) && n >= 0 && n <= 64) return n;
  } else {
    const name = s.toUpperCase().replace(/^SIG/, '');
    const rt = /^RTMIN(?:\+(\d+))?$/.exec(name);
    if (rt) return 34 + Number(rt[1] ?? 0);
    if (name in SIGNALS) return SIGNALS[name]!;
  }
  throw new InvalidArgumentError(`invalid signal: ${s}`);
}

export function signalName(n: number): string {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === n && k !== 'IOT' && k !== 'POLL') return 'SIG' + k;
  return `SIG${n}`;
}
