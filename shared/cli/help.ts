import { type FlagSpec, defaultText, flagHelpText, flagTypeName } from './args.ts';
import { compareGoStrings, utf8Length } from './gofmt.ts';

/**
 * docker's help layout (docker/cli cli/cobra.go usage template, pflag's wrapped flag
 * usages): `Usage:`, the description, `Aliases:`, `Examples:`, `Options:` with aligned
 * and wrapped columns, `Management Commands:` and `Commands:`.
 */

/** What help needs to know about a command, wherever it sits in the tree. */
export interface HelpView {
  /** `docker image ls` */
  path: string;
  /** `docker image ls [OPTIONS] [REPOSITORY[:TAG]]` */
  useLine: string;
  name: string;
  aliases: readonly string[];
  short: string;
  long?: string;
  example?: string;
  flags: readonly FlagSpec[];
  /** Visible sub-commands, in the order help lists them. */
  subcommands: readonly { name: string; short: string; isGroup: boolean }[];
  /** Any sub-commands at all, hidden ones included. */
  hasSubcommands: boolean;
  /** Longest name among this command's sub-commands, hidden ones included (cobra's padding). */
  childPadding: number;
  additionalHelp?: string;
}

/** cobra's minimum name column. */
export const MIN_NAME_PADDING = 11;

// pflag's wrapN: split at the last space before i, allowing `slop` more to avoid orphans.
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

// pflag's wrap: wrap s to width w with indent i (the first line is indented by the caller).
function wrap(i: number, w: number, s: string): string {
  if (w === 0) return s.replaceAll('\n', '\n' + ' '.repeat(i));
  let width = w - i;
  let r = '';
  if (width < 24) {
    i = 16;
    width = w - i;
    r += '\n' + ' '.repeat(i);
  }
  if (width < 24) return s.replaceAll('\n', r);
  const slop = 5;
  width -= slop;
  let [line, rest] = wrapN(width, slop, s);
  r += line.replaceAll('\n', '\n' + ' '.repeat(i));
  while (rest !== '') {
    [line, rest] = wrapN(width, slop, rest);
    r += '\n' + ' '.repeat(i) + line.replaceAll('\n', '\n' + ' '.repeat(i));
  }
  return r;
}

/**
 * The `Options:` block: flags sorted by name, hidden ones left out, help text wrapped to
 * `cols` columns (0: no wrapping), as pflag's FlagUsagesWrapped prints it.
 */
export function flagUsages(flags: readonly FlagSpec[], cols: number): string {
  const visible = flags.filter((f) => !f.hidden && !f.deprecated).sort((a, b) => compareGoStrings(a.name, b.name));
  const lines: [string, string][] = [];
  let maxlen = 0;
  for (const f of visible) {
    let left = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
    const type = flagTypeName(f);
    if (type) left += ' ' + type;
    maxlen = Math.max(maxlen, utf8Length(left));
    let right = flagHelpText(f);
    const d = defaultText(f);
    if (d) right += ' ' + d;
    lines.push([left, right]);
  }
  let out = '';
  for (const [left, right] of lines) {
    out += left + ' '.repeat(maxlen - utf8Length(left)) + '   ' + wrap(maxlen + 3, cols, right) + '\n';
  }
  return out;
}

/** cobra's UsageString with docker's template. Ends with a newline. */
export function usageString(v: HelpView, cols: number): string {
  const hasFlags = v.flags.some((f) => !f.hidden && !f.deprecated);
  let s = 'Usage:';
  if (!v.hasSubcommands) s += '  ' + v.useLine;
  else s += '  ' + v.path + (hasFlags ? ' [OPTIONS]' : '') + ' COMMAND';
  s += '\n\n' + (v.long?.trim() || v.short.trim());
  if (v.aliases.length > 0) s += '\n\nAliases:\n  ' + [v.name, ...v.aliases].join(', ');
  if (v.example) s += '\n\nExamples:\n' + v.example;
  if (hasFlags) s += '\n\nOptions:\n' + flagUsages(v.flags, cols).trimEnd();
  const groups = v.subcommands.filter((c) => c.isGroup);
  const leaves = v.subcommands.filter((c) => !c.isGroup);
  const pad = Math.max(MIN_NAME_PADDING, v.childPadding);
  if (groups.length > 0) {
    s += '\n\nManagement Commands:';
    for (const c of groups) s += '\n  ' + (c.name + ' ').padEnd(pad + 1) + c.short;
  }
  if (leaves.length > 0) {
    s += '\n\nCommands:';
    for (const c of leaves) s += '\n  ' + c.name.padEnd(pad) + ' ' + c.short;
  }
  if (v.hasSubcommands) s += `\n\nRun '${v.path} COMMAND --help' for more information on a command.`;
  if (v.additionalHelp) s += '\n\n' + v.additionalHelp;
  return s + '\n';
}

/** What `--help` prints: a blank line, then the usage. */
export function helpString(v: HelpView, cols: number): string {
  return '\n' + usageString(v, cols);
}
