/** Linux signal numbers, names and descriptions, as `kill -l` and `trap` use them. */

const NAMES = [
  '',
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'POLL',
  'PWR',
  'SYS',
];

const DESCRIPTIONS: Record<number, string> = {
  1: 'Hangup',
  2: 'Interrupt',
  3: 'Quit',
  4: 'Illegal instruction',
  5: 'Trace/breakpoint trap',
  6: 'Aborted',
  7: 'Bus error',
  8: 'Floating point exception',
  9: 'Killed',
  10: 'User defined signal 1',
  11: 'Segmentation fault',
  12: 'User defined signal 2',
  13: 'Broken pipe',
  14: 'Alarm clock',
  15: 'Terminated',
};

export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGTERM = 15;
export const MAX_SIGNAL = NAMES.length - 1;

export function signalName(n: number): string | undefined {
  return n >= 1 && n <= MAX_SIGNAL ? NAMES[n] : undefined;
}

/** A signal by number, name or SIG-prefixed name (case-insensitive); null if unknown. */
export function signalNumber(s: string): number | null {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return n <= MAX_SIGNAL ? n : null;
  }
  let name = s.toUpperCase();
  if (name.startsWith('SIG')) name = name.slice(3);
  if (name === 'IO') name = 'POLL';
  const i = NAMES.indexOf(name);
  return i > 0 ? i : null;
}

export function signalDescription(n: number): string {
  return DESCRIPTIONS[n] ?? `Signal ${n}`;
}
