/** The shell's set options (set -e, set -o pipefail...), named and lettered as in ash. */

/** Shell options, in ash's order (which `$-` lists in reverse). */
export const OPTION_TABLE = [
  ['e', 'errexit'],
  ['f', 'noglob'],
  ['I', 'ignoreeof'],
  ['i', ''],
  ['m', 'monitor'],
  ['n', 'noexec'],
  ['s', ''],
  ['c', ''],
  ['x', 'xtrace'],
  ['v', 'verbose'],
  ['C', 'noclobber'],
  ['a', 'allexport'],
  ['b', 'notify'],
  ['u', 'nounset'],
  ['E', 'errtrace'],
  ['', 'vi'],
  ['', 'pipefail'],
] as const;

export interface ShellOptions {
  errexit: boolean;
  noglob: boolean;
  ignoreeof: boolean;
  interactive: boolean;
  monitor: boolean;
  noexec: boolean;
  stdin: boolean;
  command: boolean;
  xtrace: boolean;
  verbose: boolean;
  noclobber: boolean;
  allexport: boolean;
  notify: boolean;
  nounset: boolean;
  errtrace: boolean;
  vi: boolean;
  pipefail: boolean;
}

/** ShellOptions keys in OPTION_TABLE order. */
export const OPTION_KEYS: (keyof ShellOptions)[] = [
  'errexit',
  'noglob',
  'ignoreeof',
  'interactive',
  'monitor',
  'noexec',
  'stdin',
  'command',
  'xtrace',
  'verbose',
  'noclobber',
  'allexport',
  'notify',
  'nounset',
  'errtrace',
  'vi',
  'pipefail',
];

export function defaultOptions(): ShellOptions {
  const o = {} as ShellOptions;
  for (const k of OPTION_KEYS) o[k] = false;
  return o;
}
