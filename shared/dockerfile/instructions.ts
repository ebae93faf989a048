import { parseDuration } from './duration.ts';
import { DockerfileError } from './error.ts';
import { parseFlags, type FlagSpec, type ParsedFlags } from './flags.ts';
import { chompHeredoc, parseHeredocWord, type Heredoc } from './heredoc.ts';
import { FORBIDDEN_TRIGGERS, KEYWORDS, Keyword } from './keywords.ts';
import type { Location } from './location.ts';
import type { Node } from './parser.ts';
import { ExpansionError, variableReferences } from './shell.ts';
import { suggest } from './suggest.ts';
import { trimSpace } from './words.ts';

/**
 * Stage 2 of 3: `Node` → typed `Instruction` (BuildKit frontend/dockerfile/instructions).
 *
 * Values stay unexpanded: every word that Docker expands at build time with the stage's
 * ENV and ARG scope (COPY sources, WORKDIR, USER, ENV values...) is kept raw, quotes and
 * `$` included, and the builder expands it with shell.ts when it runs the step. The
 * `variables` field lists the names those words refer to.
 */

export type Form = 'exec' | 'shell';

interface Base {
  location: Location;
  /** The instruction word as written (`copy`, `COPY`). */
  name: string;
  /** The logical line: continuations joined, as Docker prints a build step. */
  original: string;
  /** The lines exactly as written, heredoc bodies included. */
  source: string;
  /** Raw `--flags`, quotes removed. */
  flags: string[];
  /**
   * Variables referenced by the words Docker expands for this instruction, in order of
   * first use. Empty for RUN/CMD/ENTRYPOINT/SHELL commands (the shell expands those) and
   * ONBUILD triggers (they are expanded in the child build).
   */
  variables: string[];
}

/** A file given inline by a heredoc. */
export interface InlineFile {
  /** The heredoc word, quotes removed: the file name for COPY/ADD. */
  name: string;
  /** The body, leading tabs already removed for `<<-`. */
  content: string;
  /** Expand variables in the content (the word was not quoted). */
  expand: boolean;
  /** The file descriptor written before `<<`, 0 when none. */
  fd: number;
  chomp: boolean;
}

export interface FromInstruction extends Base {
  kind: 'from';
  /** Raw image reference or stage name, may hold meta-ARG references: `alpine:$V`. */
  image: string;
  /** `AS name`, lower-cased. */
  stageName?: string;
  /** Raw `--platform` value. */
  platform?: string;
}

export interface RunInstruction extends Base {
  kind: 'run';
  form: Form;
  /** Exec form: argv. Shell form: one string, the command line. */
  command: string[];
  heredocs: InlineFile[];
  /** Raw `--mount` values, in order. */
  mounts: string[];
  /** `--network`: default, none or host. */
  network?: string;
  /** `--security`: sandbox or insecure. */
  security?: string;
  /** Raw `--device` values. */
  devices: string[];
}

export interface CmdInstruction extends Base {
  kind: 'cmd';
  form: Form;
  command: string[];
}

export interface EntrypointInstruction extends Base {
  kind: 'entrypoint';
  form: Form;
  command: string[];
}

export interface ShellInstruction extends Base {
  kind: 'shell';
  shell: string[];
}

interface CopyLike extends Base {
  form: Form;
  /** Raw source paths (wildcards, variables) in order; heredoc sources are in `contents`. */
  sources: string[];
  contents: InlineFile[];
  dest: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  exclude: string[];
}

export interface CopyInstruction extends CopyLike {
  kind: 'copy';
  /** `--from`: a stage name, a stage index or an image reference. */
  from?: string;
  parents: boolean;
}

export interface AddInstruction extends CopyLike {
  kind: 'add';
  keepGitDir?: boolean;
  checksum?: string;
  unpack?: boolean;
}

export interface KeyValuePair {
  /** Raw key and value. */
  key: string;
  value: string;
}

export interface EnvInstruction extends Base {
  kind: 'env';
  pairs: KeyValuePair[];
}

export interface LabelInstruction extends Base {
  kind: 'label';
  pairs: KeyValuePair[];
}

export interface ArgDefinition {
  name: string;
  /** Raw default value; undefined for `ARG name` with no `=`. */
  default?: string;
}

export interface ArgInstruction extends Base {
  kind: 'arg';
  args: ArgDefinition[];
}

export interface WorkdirInstruction extends Base {
  kind: 'workdir';
  path: string;
}

export interface UserInstruction extends Base {
  kind: 'user';
  user: string;
}

export interface ExposeInstruction extends Base {
  kind: 'expose';
  /** Raw words; expand each with expandWords (one may give several ports). */
  ports: string[];
}

export interface VolumeInstruction extends Base {
  kind: 'volume';
  form: Form;
  paths: string[];
}

export interface StopsignalInstruction extends Base {
  kind: 'stopsignal';
  signal: string;
}

/** HEALTHCHECK, in the image config's terms. Durations are nanoseconds. */
export interface HealthcheckInstruction extends Base {
  kind: 'healthcheck';
  /** `["NONE"]`, `["CMD", argv...]` (exec form) or `["CMD-SHELL", command]`. */
  test: string[];
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export interface OnbuildInstruction extends Base {
  kind: 'onbuild';
  /** The trigger as it is stored in the image (`RUN make`), heredoc bodies appended. */
  expression: string;
  /** The trigger, parsed; it runs in builds that use this image as their base. */
  trigger: Instruction;
}

/** @deprecated in Docker; kept because old Dockerfiles use it. */
export interface MaintainerInstruction extends Base {
  kind: 'maintainer';
  maintainer: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | ArgInstruction
  | LabelInstruction
  | WorkdirInstruction
  | UserInstruction
  | ExposeInstruction
  | VolumeInstruction
  | ShellInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

export type InstructionKind = Instruction['kind'];

export interface ConvertContext {
  file: string;
  escapeChar: string;
}

/**
 * Converts one node into a typed instruction.
 * @throws DockerfileError at the node's lines.
 */
export function toInstruction(node: Node, ctx: ConvertContext, heredocs: Heredoc[] = node.heredocs): Instruction {
  const location: Location = { file: ctx.file, startLine: node.startLine, endLine: node.endLine };
  const fail = (detail: string): never => {
    throw new DockerfileError(detail, location);
  };
  const NAME = node.name.toUpperCase();
  const flagsOf = (spec: FlagSpec): ParsedFlags => {
    try {
      return parseFlags(NAME, node.flags, spec);
    } catch (err) {
      return fail((err as Error).message);
    }
  };
  const base = (): Base => ({
    location,
    name: node.name,
    original: trimSpace(node.original),
    source: node.source,
    flags: [...node.flags],
    variables: [],
  });
  const exactlyOne = (): string => {
    if (node.args.length !== 1) fail(`${NAME} requires exactly one argument`);
    return node.args[0]!;
  };
  const atLeastOne = (): void => {
    if (node.args.length === 0) fail(`${NAME} requires at least one argument`);
  };

  let inst: Instruction;
  switch (node.keyword) {
    case Keyword.FROM: {
      const flags = flagsOf({ platform: 'string' });
      const args = node.args;
      let stageName: string | undefined;
      if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
        stageName = args[2]!.toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) {
          fail(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
        }
      } else if (args.length !== 1) {
        fail(`FROM requires either one or three arguments: FROM [--platform=<platform>] <image> [AS <name>]`);
      }
      inst = Object.assign(base(), { kind: 'from' as const, image: args[0]!, stageName, platform: flags.string('platform') });
      break;
    }
    case Keyword.RUN: {
      const flags = flagsOf({ mount: 'strings', network: 'string', security: 'string', device: 'strings' });
      atLeastOne();
      const network = flags.string('network');
      if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
        fail(`invalid network mode ${JSON.stringify(network)} (use default, none or host)`);
      }
      const security = flags.string('security');
      if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
        fail(`security ${JSON.stringify(security)} is not valid (use sandbox or insecure)`);
      }
      const { form, command } = commandLine(node);
      inst = Object.assign(base(), {
        kind: 'run' as const,
        form,
        command,
        heredocs: heredocs.map(inlineFile),
        mounts: flags.strings('mount'),
        network,
        security,
        devices: flags.strings('device'),
      });
      break;
    }
    case Keyword.CMD:
    case Keyword.ENTRYPOINT: {
      flagsOf({});
      if (node.args.length === 0 && !node.json) fail(`${NAME} requires at least one argument`);
      const { form, command } = commandLine(node);
      inst = Object.assign(base(), { kind: node.keyword as 'cmd' | 'entrypoint', form, command });
      break;
    }
    case Keyword.SHELL: {
      flagsOf({});
      if (!node.json && node.args.length > 0) {
        fail(`SHELL requires the arguments to be in JSON form, like SHELL ["/bin/sh", "-c"]`);
      }
      atLeastOne();
      inst = { ...base(), kind: 'shell', shell: [...node.args] };
      break;
    }
    case Keyword.COPY:
    case Keyword.ADD: {
      const isCopy = node.keyword === Keyword.COPY;
      const flags = flagsOf(
        isCopy
          ? { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' }
          : {
              chown: 'string',
              chmod: 'string',
              link: 'bool',
              'keep-git-dir': 'bool',
              checksum: 'string',
              unpack: 'bool',
              exclude: 'strings',
            },
      );
      if (node.args.length < 2) {
        fail(`${NAME} requires at least two arguments, a source and a destination: ${NAME} <src>... <dest>`);
      }
      const dest = node.args[node.args.length - 1]!;
      if (heredocWord(dest)) fail(`${NAME} cannot accept a heredoc as a destination`);
      const byName = new Map(heredocs.map((h) => [h.name, h]));
      const sources: string[] = [];
      const contents: InlineFile[] = [];
      for (const src of node.args.slice(0, -1)) {
        const doc = node.json ? undefined : heredocWord(src);
        if (doc) {
          const body = byName.get(doc.name);
          contents.push(inlineFile({ name: doc.name, fd: doc.fd, expand: doc.expand, chomp: doc.chomp, content: body?.content ?? '' }));
        } else {
          sources.push(src);
        }
      }
      const common = Object.assign(base(), {
        form: formOf(node),
        sources,
        contents,
        dest,
        chown: flags.string('chown'),
        chmod: flags.string('chmod'),
        link: flags.bool('link') ?? false,
        exclude: flags.strings('exclude'),
      });
      if (isCopy) {
        const from = flags.string('from');
        if (from !== undefined && /\$/.test(from)) {
          let expands = false;
          try {
            expands = variableReferences(from, ctx.escapeChar).referenced.length > 0;
          } catch {
            expands = true;
          }
          if (expands) {
            fail(
              'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
            );
          }
        }
        inst = Object.assign(common, { kind: 'copy' as const, from, parents: flags.bool('parents') ?? false });
      } else {
        inst = Object.assign(common, {
          kind: 'add' as const,
          keepGitDir: flags.bool('keep-git-dir'),
          checksum: flags.string('checksum'),
          unpack: flags.bool('unpack'),
        });
      }
      break;
    }
    case Keyword.ENV:
    case Keyword.LABEL: {
      flagsOf({});
      if (node.pairs.length === 0) fail(`${NAME} requires at least one argument`);
      for (const p of node.pairs) if (p.key === '') fail(`${NAME} names can not be blank`);
      const pairs = node.pairs.map((p) => ({ key: p.key, value: p.value }));
      inst = Object.assign(base(), { kind: node.keyword as 'env' | 'label', pairs });
      break;
    }
    case Keyword.ARG: {
      flagsOf({});
      atLeastOne();
      const args = node.args.map((word): ArgDefinition => {
        const eq = word.indexOf('=');
        if (eq < 0) return { name: word };
        if (eq === 0) fail('ARG names can not be blank');
        return { name: word.slice(0, eq), default: word.slice(eq + 1) };
      });
      inst = Object.assign(base(), { kind: 'arg' as const, args });
      break;
    }
    case Keyword.WORKDIR:
      flagsOf({});
      inst = Object.assign(base(), { kind: 'workdir' as const, path: exactlyOne() });
      break;
    case Keyword.USER:
      flagsOf({});
      inst = Object.assign(base(), { kind: 'user' as const, user: exactlyOne() });
      break;
    case Keyword.STOPSIGNAL:
      flagsOf({});
      inst = Object.assign(base(), { kind: 'stopsignal' as const, signal: exactlyOne() });
      break;
    case Keyword.MAINTAINER:
      flagsOf({});
      inst = Object.assign(base(), { kind: 'maintainer' as const, maintainer: exactlyOne() });
      break;
    case Keyword.EXPOSE:
      flagsOf({});
      atLeastOne();
      inst = { ...base(), kind: 'expose', ports: [...node.args] };
      break;
    case Keyword.VOLUME: {
      flagsOf({});
      atLeastOne();
      const paths = node.args.map((v) => v.trim());
      if (paths.some((p) => p === '')) fail('VOLUME specified can not be an empty string');
      inst = Object.assign(base(), { kind: 'volume' as const, form: formOf(node), paths });
      break;
    }
    case Keyword.HEALTHCHECK:
      inst = healthcheck(node, base(), NAME, fail, flagsOf);
      break;
    case Keyword.ONBUILD: {
      flagsOf({});
      const child = node.child;
      if (!child) return fail('ONBUILD requires at least one argument');
      const TRIGGER = child.name.toUpperCase();
      if (child.keyword === Keyword.ONBUILD) fail('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (FORBIDDEN_TRIGGERS.has(child.keyword)) fail(`${TRIGGER} isn't allowed as an ONBUILD trigger`);
      let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
      for (const h of heredocs) expression += '\n' + h.content + h.name;
      const trigger = toInstruction(Object.assign({}, child, { startLine: node.startLine, endLine: node.endLine, source: node.source }), ctx, heredocs);
      trigger.variables = [];
      inst = Object.assign(base(), { kind: 'onbuild' as const, expression, trigger });
      break;
    }
    default: {
      const near = suggest(node.name, [...KEYWORDS].map((k) => k.toUpperCase()), false);
      return fail(`unknown instruction ${JSON.stringify(node.name)}${near !== undefined ? ` (did you mean ${near}?)` : ''}`);
    }
  }

  // Most instructions use no variable at all: skip the word scan then.
  if (!node.original.includes('$') && !heredocs.some((h) => h.content.includes('$'))) return inst;
  try {
    inst.variables = collectVariables(inst, ctx.escapeChar);
  } catch (err) {
    if (err instanceof ExpansionError) fail(err.message);
    throw err;
  }
  return inst;
}

function healthcheck(
  node: Node,
  base: Base,
  NAME: string,
  fail: (detail: string) => never,
  flagsOf: (spec: FlagSpec) => ParsedFlags,
): HealthcheckInstruction {
  if (node.args.length === 0) fail(`${NAME} requires at least one argument`);
  const type = node.args[0]!.toUpperCase();
  const rest = node.args.slice(1);
  if (type === 'NONE') {
    if (rest.length !== 0) fail('HEALTHCHECK NONE takes no arguments');
    // As in BuildKit, flags are not looked at for NONE.
    return Object.assign(base, { kind: 'healthcheck' as const, test: ['NONE'] });
  }
  const flags = flagsOf({ interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' });
  if (type !== 'CMD') fail(`Unknown type ${JSON.stringify(node.args[0])} in HEALTHCHECK (try CMD)`);
  const cmd = node.json ? rest : rest.length === 0 ? [] : [rest.join(' ')];
  if (cmd.length === 0) fail('Missing command after HEALTHCHECK CMD');
  const duration = (flag: string): number | undefined => {
    const v = flags.string(flag);
    if (v === undefined || v === '') return undefined;
    let d: number;
    try {
      d = parseDuration(v);
    } catch (err) {
      return fail(`HEALTHCHECK --${flag}=${v}: ${(err as Error).message} (use a number with a unit: 30s, 1m30s, 500ms)`);
    }
    if (d !== 0 && d < 1_000_000) fail(`HEALTHCHECK --${flag}=${v}: the ${flag} cannot be less than 1ms`);
    return d;
  };
  let retries: number | undefined;
  const r = flags.string('retries');
  if (r !== undefined && r !== '') {
    if (!/^[+-]?\d+$/.test(r) || Math.abs(Number(r)) > 2 ** 31 - 1) {
      fail(`HEALTHCHECK --retries=${r}: not an integer`);
    }
    retries = Number(r);
    if (retries < 0) fail(`HEALTHCHECK --retries=${r}: --retries cannot be negative`);
  }
  return Object.assign(base, {
    kind: 'healthcheck' as const,
    test: [node.json ? 'CMD' : 'CMD-SHELL', ...cmd],
    interval: duration('interval'),
    timeout: duration('timeout'),
    startPeriod: duration('start-period'),
    startInterval: duration('start-interval'),
    retries,
  });
}

function formOf(node: Node): Form {
  return node.json ? 'exec' : 'shell';
}

/** Exec form keeps the argv; shell form is the whole rest of the line as one string. */
function commandLine(node: Node): { form: Form; command: string[] } {
  return node.json ? { form: 'exec', command: [...node.args] } : { form: 'shell', command: node.args.length ? [node.args.join(' ')] : [] };
}

function inlineFile(h: Heredoc): InlineFile {
  return { name: h.name, content: h.chomp ? chompHeredoc(h.content) : h.content, expand: h.expand, fd: h.fd, chomp: h.chomp };
}

function heredocWord(word: string): Omit<Heredoc, 'content'> | undefined {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined;
  }
}

/** A word Docker expands at build time; heredoc bodies are expanded with quotes left as they are. */
export interface ExpandedWord {
  word: string;
  /** Expand as a heredoc body: quotes are ordinary characters, the escape is always `\`. */
  body?: boolean;
}

/** The words of an instruction that Docker expands with the build scope, in order. */
export function expandedWords(inst: Instruction): ExpandedWord[] {
  const w = (...words: (string | undefined)[]): ExpandedWord[] =>
    words.filter((x): x is string => x !== undefined).map((word) => ({ word }));
  switch (inst.kind) {
    case 'from':
      return w(inst.image, inst.platform);
    case 'copy':
    case 'add':
      return [
        ...w(...inst.sources, inst.dest, inst.chown, inst.chmod, inst.kind === 'add' ? inst.checksum : undefined),
        ...inst.contents.filter((c) => c.expand).map((c) => ({ word: c.content, body: true })),
      ];
    case 'env':
    case 'label':
      return inst.pairs.flatMap((p) => w(p.key, p.value));
    case 'arg':
      return w(...inst.args.map((a) => a.default));
    case 'workdir':
      return w(inst.path);
    case 'user':
      return w(inst.user);
    case 'expose':
      return w(...inst.ports);
    case 'volume':
      return w(...inst.paths);
    case 'stopsignal':
      return w(inst.signal);
    case 'run':
      return w(...inst.mounts);
    default:
      return [];
  }
}

function collectVariables(inst: Instruction, esc: string): string[] {
  const names = new Set<string>();
  for (const { word, body } of expandedWords(inst)) {
    if (!word.includes('$')) continue;
    const refs = body ? variableReferences(word, '\\', { skipQuotes: true }) : variableReferences(word, esc);
    for (const n of refs.referenced) names.add(n);
  }
  return [...names];
}
