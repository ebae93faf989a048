import { type FlagSpec, type FlagValues, FlagDefinitionError, FlagError, checkFlagSpecs, parseArgs } from './args.ts';
import { compareGoStrings } from './gofmt.ts';
import { type HelpView, helpString, usageString } from './help.ts';
import { TemplateError } from './template-ast.ts';

/**
 * The command table and dispatcher, with docker's grammar and messages (docker/cli
 * cmd/docker and cobra): global flags before the command, management commands
 * (`image ls`) and their top-level shortcuts (`images`), aliases, `--help`, argument
 * counts, and docker's exit codes (125 for a flag error, 1 for other errors).
 *
 * A command's `run` is supplied by whoever builds the table; this module only parses,
 * checks, dispatches and reports.
 */

/** Where a command writes, and what it may know of its terminal. */
export interface CliIO {
  stdout(chunk: string | Uint8Array): void;
  stderr(chunk: string | Uint8Array): void;
  /** Whether stdout is a terminal (progress redraws, colours). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Terminal width for wrapping help; 80 when unknown, as docker assumes. */
  columns?: number;
}

/** Accepted positional argument counts; absent bounds are unlimited. */
export interface ArgsSpec {
  min?: number;
  max?: number;
}

export interface CommandContext<IO extends CliIO = CliIO> {
  /** Positional arguments after flags. */
  args: string[];
  flags: FlagValues;
  /** The program's global flags (`--root`, `--debug`, ...). */
  globals: FlagValues;
  io: IO;
  /** `layerbox image ls`, for messages. */
  path: string;
  command: CommandSpec<IO>;
  /** How many of `args` came before `--`, or -1. */
  argsLenAtDash: number;
}

/** A command's result: its exit status (undefined means 0). */
export type RunResult = number | void;

export interface CommandSpec<IO extends CliIO = CliIO> {
  name: string;
  aliases?: readonly string[];
  /** What follows the command path on the usage line: `[OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  usage?: string;
  /** One line for command lists. */
  short: string;
  /** Replaces `short` on the command's own help. */
  long?: string;
  example?: string;
  flags?: readonly FlagSpec[];
  args?: ArgsSpec;
  /**
   * Whether flags may follow positional arguments (default true). run/exec/create set
   * false so that `run IMAGE ls -l` hands `-l` to the container.
   */
  interspersed?: boolean;
  /**
   * 'run': an error prints as docker run reports it,
   * `layerbox: <message>.\nSee 'layerbox run --help'.`, with exit status 125.
   */
  errorStyle?: 'plain' | 'run';
  hidden?: boolean;
  /** A management command (`image`, `container`) has sub-commands and no run of its own. */
  subcommands?: readonly CommandSpec<IO>[];
  run?: (ctx: CommandContext<IO>) => RunResult | Promise<RunResult>;
}

export interface ProgramSpec<IO extends CliIO = CliIO> extends CommandSpec<IO> {
  /** Printed by a `version` global flag: `layerbox version 0.1.0`. */
  version?: string;
  /** A paragraph at the end of the top-level help. */
  additionalHelp?: string;
}

/**
 * Ends a command with an exit status. A non-empty message is printed as it is on
 * stderr (no `Error:` prefix); status 0 becomes 1, as in docker.
 */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
    this.name = 'StatusError';
  }
}

const HELP_FLAG: FlagSpec = { name: 'help', shorthand: 'h', type: 'bool', help: 'Print usage', hidden: true };

/**
 * The top-level form of a sub-command, as docker offers `images` for `image ls` and
 * `rmi` for `image rm`: the same flags and run, its own name, no aliases.
 */
export function shortcut<IO extends CliIO>(spec: CommandSpec<IO>, name: string = spec.name): CommandSpec<IO> {
  return { ...spec, name, aliases: [] };
}

interface Node<IO extends CliIO> {
  spec: CommandSpec<IO>;
  parent: Node<IO> | null;
  path: string;
}

function flagsOf<IO extends CliIO>(spec: CommandSpec<IO>): FlagSpec[] {
  const flags = [...(spec.flags ?? [])];
  if (!flags.some((f) => f.name === 'help')) flags.push(HELP_FLAG);
  return flags;
}

function isGroup<IO extends CliIO>(spec: CommandSpec<IO>): boolean {
  return (spec.subcommands?.length ?? 0) > 0;
}

function useLine<IO extends CliIO>(n: Node<IO>): string {
  const use = n.spec.usage ? `${n.spec.name} ${n.spec.usage}` : n.spec.name;
  return n.parent ? `${n.parent.path} ${use}` : use;
}

function helpView<IO extends CliIO>(n: Node<IO>, program: ProgramSpec<IO>): HelpView {
  const subs = n.spec.subcommands ?? [];
  return {
    path: n.path,
    useLine: useLine(n),
    name: n.spec.name,
    aliases: n.spec.aliases ?? [],
    short: n.spec.short,
    long: n.spec.long,
    example: n.spec.example,
    flags: flagsOf(n.spec),
    // cobra lists sub-commands sorted by name
    subcommands: subs
      .filter((c) => !c.hidden)
      .map((c) => ({ name: c.name, short: c.short, isGroup: isGroup(c) }))
      .sort((x, y) => compareGoStrings(x.name, y.name)),
    hasSubcommands: subs.length > 0,
    childPadding: Math.max(0, ...subs.map((c) => c.name.length)),
    additionalHelp: n.parent ? undefined : program.additionalHelp,
  };
}

function findChild<IO extends CliIO>(n: Node<IO>, name: string): Node<IO> | null {
  const spec = n.spec.subcommands?.find((c) => c.name === name || (c.aliases ?? []).includes(name));
  return spec ? { spec, parent: n, path: `${n.path} ${spec.name}` } : null;
}

function plural(n: number): string {
  return n === 1 ? 'argument' : 'arguments';
}

/** docker's argument-count messages (cli/required.go), or null when the count is fine. */
function checkArgs<IO extends CliIO>(n: Node<IO>, count: number): string | null {
  const { min, max } = n.spec.args ?? {};
  const tail = `\nSee '${n.path} --help'.\n\nUsage:  ${useLine(n)}\n\n${n.spec.short}`;
  const p = JSON.stringify(n.path);
  if (max === 0 && min === undefined) return count === 0 ? null : `${p} accepts no arguments.${tail}`;
  if (min !== undefined && max !== undefined) {
    if (count >= min && count <= max) return null;
    if (min === max) return `${p} requires exactly ${min} ${plural(min)}.${tail}`;
    return `${p} requires at least ${min} and at most ${max} ${plural(max)}.${tail}`;
  }
  if (min !== undefined && count < min) return `${p} requires at least ${min} ${plural(min)}.${tail}`;
  if (max !== undefined && count > max) return `${p} requires at most ${max} ${plural(max)}.${tail}`;
  return null;
}

/** Check a command table once: flag definitions, names, and that leaves can run. */
export function checkCommandTable<IO extends CliIO>(spec: CommandSpec<IO>, path = spec.name): void {
  checkFlagSpecs(flagsOf(spec));
  const seen = new Set<string>();
  for (const c of spec.subcommands ?? []) {
    for (const n of [c.name, ...(c.aliases ?? [])]) {
      if (seen.has(n)) throw new FlagDefinitionError(`${path}: command name ${n} is used twice`);
      seen.add(n);
    }
    checkCommandTable(c, `${path} ${c.name}`);
  }
}

/**
 * Run a command line (without the program name) against `program`; returns the exit
 * status. Never throws for user errors: they are reported on io.stderr the way docker
 * reports them. A thrown error from a command's run prints as `Error: <message>`
 * (exit 1), a StatusError as its own message with its status, a template error as
 * docker prints it.
 */
export async function runCli<IO extends CliIO>(argv: readonly string[], io: IO, program: ProgramSpec<IO>): Promise<number> {
  const cols = (io.columns && io.columns > 0 ? io.columns : 80) - 1;
  const prog = program.name;
  const root: Node<IO> = { spec: program, parent: null, path: prog };
  const view = (n: Node<IO>): HelpView => helpView(n, program);
  // Like Go's Fprintln: every report ends with one more newline.
  const err = (text: string): void => io.stderr(text + '\n');

  const flagError = (n: Node<IO>, e: FlagError): number => {
    const usage = isGroup(n.spec) ? '\n\n' + usageString(view(n), cols) : '';
    err(`${e.message}\nSee '${n.path} --help'.${usage}`);
    return 125;
  };

  // Global flags stop at the first argument: the command name.
  let parsed;
  try {
    parsed = parseArgs(flagsOf(program), argv, { interspersed: false });
  } catch (e) {
    if (e instanceof FlagError) return flagError(root, e);
    throw e;
  }
  const globals = parsed.flags;
  let help = globals.bool('help');
  if (!help && program.version !== undefined && globals.has('version') && globals.bool('version')) {
    io.stdout(`${prog} version ${program.version}\n`);
    return 0;
  }

  let node = root;
  let rest = parsed.args;
  while (isGroup(node.spec)) {
    if (rest.length === 0) {
      // docker prints a bare management command's help on stderr, successfully.
      if (help) io.stdout(helpString(view(node), cols));
      else io.stderr(helpString(view(node), cols));
      return 0;
    }
    const name = rest[0]!;
    if (node === root && name === 'help' && !findChild(node, name)) return helpCommand(rest.slice(1));
    const child = findChild(node, name);
    if (!child) {
      if (help) {
        io.stdout(helpString(view(node), cols));
        return 0;
      }
      if (node === root) err(`${prog}: '${name}' is not a ${prog} command.\nSee '${prog} --help'`);
      else err('\n' + usageString(view(node), cols).trimEnd());
      return 1;
    }
    node = child;
    rest = rest.slice(1);
    if (isGroup(node.spec)) {
      try {
        const p = parseArgs(flagsOf(node.spec), rest, { interspersed: false });
        help ||= p.flags.bool('help');
        rest = p.args;
      } catch (e) {
        if (e instanceof FlagError) return flagError(node, e);
        throw e;
      }
    }
  }

  let local;
  try {
    local = parseArgs(flagsOf(node.spec), rest, { interspersed: node.spec.interspersed ?? true });
  } catch (e) {
    if (e instanceof FlagError) return flagError(node, e);
    throw e;
  }
  if (help || local.flags.bool('help')) {
    io.stdout(helpString(view(node), cols));
    return 0;
  }
  const countError = checkArgs(node, local.args.length);
  if (countError) {
    err(countError);
    return 1;
  }
  const run = node.spec.run;
  if (!run) {
    err(`Error: ${node.path} is not implemented`);
    return 1;
  }
  try {
    const code = await run({
      args: local.args,
      flags: local.flags,
      globals,
      io,
      path: node.path,
      command: node.spec,
      argsLenAtDash: local.argsLenAtDash,
    });
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    return reportError(e, node);
  }

  function reportError(e: unknown, n: Node<IO>): number {
    if (e instanceof StatusError) {
      if (e.message) err(e.message);
      return e.status === 0 ? 1 : e.status;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (n.spec.errorStyle === 'run') {
      err(`${prog}: ${message.replace(/\.$/, '')}.\nSee '${n.path} --help'.`);
    } else if (e instanceof TemplateError) {
      err(message);
    } else {
      err(`Error: ${message}`);
    }
    // --debug shows where an error came from; never otherwise.
    if (globals.has('debug') && globals.bool('debug') && e instanceof Error && e.stack) err(e.stack);
    return n.spec.errorStyle === 'run' ? 125 : 1;
  }

  function helpCommand(topic: string[]): number {
    let n = root;
    let i = 0;
    for (; i < topic.length; i++) {
      const c = findChild(n, topic[i]!);
      if (!c) break;
      n = c;
    }
    if (i < topic.length) {
      err(`unknown help topic: ${topic.slice(i).join(' ')}`);
      return 1;
    }
    io.stdout(helpString(view(n), cols));
    return 0;
  }
}
