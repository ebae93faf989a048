/**
 * The interpreter: walks the syntax tree, keeps the shell's state (variables,
 * functions, options, traps, descriptors, jobs) and drives processes through the
 * ShellHost. Subshells — ( ), pipeline stages, $( ), background jobs — are clones of
 * the state run concurrently on the same thread.
 *
 * Error handling follows busybox ash: messages are `$0: [command: ]line N: text`, an
 * expansion error or a failing special builtin ends a non-interactive shell (status 2),
 * a failing regular builtin just returns its status.
 */
import type { Assignment, Command, List, Pipeline, Redirect, SimpleCommand } from './ast.ts';
import { BUILTINS, type Builtin } from './builtins/index.ts';
import type { ByteFs } from './bytefs.ts';
import { toBytes, toHost } from './bytes.ts';
import { ExitSignal, KilledSignal, LoopSignal, ReturnSignal, ShellError } from './control.ts';
import { Expander } from './expand.ts';
import { SpawnError, BrokenPipeError, FsError, strerror, type Errno, type OpenFile, type ProcessHandle, type Reader, type ShellHost, type Writer } from './host.ts';
import { closedReader, normalizePath, pathJoin, readAll, type FdTable } from './io.ts';
import { defaultOptions, OPTION_KEYS, OPTION_TABLE, type ShellOptions } from './options.ts';
import { Parser, ShellSyntaxError } from './parser.ts';
import { matchPattern } from './pattern.ts';
import { traceQuote } from './quote.ts';
import { applyRedirects } from './redirect.ts';
import type { Runtime } from './runtime.ts';
import { SIGINT, SIGPIPE, signalDescription, signalName } from './signals.ts';
import { ReadonlyError, Vars } from './vars.ts';
import { closeWriter, drain, queueWrite } from './writes.ts';

interface Job {
  pid: number;
  shell: Shell;
  done: Promise<number>;
  status: number | null;
}

type CommandKind = { type: 'special' | 'builtin'; builtin: Builtin } | { type: 'function'; body: Command } | { type: 'external' };

/** A write that failed for a reason other than a broken pipe (ENOSPC, EIO). */
export class WriteFailed {
  constructor(readonly code: Errno) {}
}

export class Shell {
  vars: Vars;
  params: string[] = [];
  arg0 = 'sh';
  /** Name used by messages of builtin utilities (printf, test): the shell's applet name. */
  appletName = 'sh';
  funcs: Map<string, Command>;
  options: ShellOptions;
  traps: Map<string, string>;
  status = 0;
  pid: number;
  lastBackgroundPid: number | null = null;
  cwd: string;
  fds: FdTable;
  umask = 0o022;
  /** ash's commandname: the script (or builtin) named in messages; null for -c and stdin. */
  commandName: string | null = null;
  lineno = 0;
  /** `unset LINENO` turns the dynamic variable off. */
  linenoUnset = false;
  /** The line the parser of the running text has reached. */
  parseLine = 0;
  loopDepth = 0;
  funcDepth = 0;
  /** Status of the last command substitution (for assignment-only commands). */
  backStatus = 0;
  /** Where getopts is: the next argument index (OPTIND) and the offset inside it. */
  getopts = { optind: 1, optoff: -1 };
  /** The signal that ended this shell, if one did. */
  killedBy: number | null = null;
  /** The signal that ended the last process this shell waited for (for `wait`'s message). */
  lastProcessSignal: number | null = null;
  readonly expander: Expander;
  private jobs = new Map<number, Job>();
  private children = new Set<ProcessHandle>();
  private subshells = new Set<Shell>();
  private parent: Shell | null = null;
  private pendingSignal: number | null = null;
  private pendingTraps: number[] = [];
  /** Rejecters of the guarded waits in progress. */
  private waiters = new Set<(e: unknown) => void>();
  private inTrap = false;

  constructor(
    readonly rt: Runtime,
    init: { pid: number; cwd: string; fds: FdTable; vars?: Vars },
  ) {
    this.pid = init.pid;
    this.cwd = init.cwd;
    this.fds = init.fds;
    this.vars = init.vars ?? new Vars();
    this.funcs = new Map();
    this.options = defaultOptions();
    this.traps = new Map();
    this.expander = new Expander(this);
  }

  get host(): ShellHost {
    return this.rt.host;
  }
  get fs(): ByteFs {
    return this.rt.fs;
  }

  /** A subshell: an independent copy of the state. */
  clone(): Shell {
    const c = new Shell(this.rt, { pid: this.pid, cwd: this.cwd, fds: new Map(this.fds), vars: this.vars.clone() });
    c.params = [...this.params];
    c.arg0 = this.arg0;
    c.appletName = this.appletName;
    c.funcs = new Map(this.funcs);
    c.options = { ...this.options, interactive: false };
    // Traps are reset in a subshell, except ignored signals which stay ignored.
    for (const [k, v] of this.traps) if (v === '') c.traps.set(k, v);
    c.status = this.status;
    c.lastBackgroundPid = this.lastBackgroundPid;
    c.umask = this.umask;
    c.commandName = this.commandName;
    c.lineno = this.lineno;
    c.parseLine = this.parseLine;
    c.linenoUnset = this.linenoUnset;
    c.loopDepth = this.loopDepth;
    c.funcDepth = this.funcDepth;
    c.getopts = { ...this.getopts };
    c.parent = this;
    this.subshells.add(c);
    if (this.pendingSignal !== null) c.pendingSignal = this.pendingSignal;
    return c;
  }

  // ---- messages and output ----

  /** `$0: [command: ]line N: ` */
  messagePrefix(): string {
    let s = this.arg0 + ': ';
    if (this.commandName !== null) {
      if (this.commandName !== this.arg0) s += this.commandName + ': ';
      s += `line ${this.lineno}: `;
    }
    return s;
  }

  /** Prints an error message on stderr, prefixed as ash does. */
  error(msg: string): void {
    this.writeErr(this.messagePrefix() + msg + '\n');
  }

  /**
   * A malformed ${...} being expanded. ash reports it as a syntax error on the line
   * its parser has reached (the end of the current command line).
   */
  badSubstitution(): never {
    this.lineno = this.parseLine;
    this.fatal('syntax error: bad substitution');
  }

  /** Prints an error and raises ash's EXERROR (status 2). */
  fatal(msg: string, status = 2): never {
    this.error(msg);
    throw new ShellError(status);
  }

  /** Writes raw text on stderr without waiting. */
  writeErr(text: string): void {
    const w = this.fds.get(2)?.writer;
    if (w) queueWrite(w, toBytes(text)).catch(() => {});
  }

  /**
   * Writes on a descriptor. Returns false when the descriptor is not open for
   * writing; a broken pipe kills the (sub)shell as SIGPIPE would.
   */
  async write(fd: number, text: string): Promise<boolean> {
    const w = this.fds.get(fd)?.writer;
    if (!w) return false;
    try {
      await this.guard(queueWrite(w, toBytes(text)));
    } catch (e) {
      if (e instanceof BrokenPipeError) throw new KilledSignal(SIGPIPE);
      // A full device or disk: the builtin fails, the shell goes on (as ash does).
      if (e instanceof FsError) throw new WriteFailed(e.code);
      throw e;
    }
    return true;
  }

  /** Writes on stdout; prints ash's write error when stdout is closed or the write fails. */
  async out(text: string): Promise<number> {
    try {
      if (await this.write(1, text)) return 0;
    } catch (e) {
      if (!(e instanceof WriteFailed)) throw e;
      this.writeErr(`${this.appletName}: write error: ${strerror(e.code)}\n`);
      return 1;
    }
    this.writeErr(`${this.appletName}: write error: Bad file descriptor\n`);
    return 1;
  }

  assign(name: string, value: string): void {
    try {
      this.vars.set(name, value);
    } catch (e) {
      if (e instanceof ReadonlyError) this.fatal(e.message);
      throw e;
    }
  }

  optionFlags(): string {
    let s = '';
    for (let i = OPTION_TABLE.length - 1; i >= 0; i--) {
      const letter = OPTION_TABLE[i]![0];
      if (letter && this.options[OPTION_KEYS[i]!]) s += letter;
    }
    return s;
  }

  async homeDir(user: string): Promise<string | undefined> {
    if (user === '') return this.vars.get('HOME');
    try {
      const f = await this.fs.open('/etc/passwd', 'r');
      const text = await readAll(f);
      await f.close();
      for (const line of text.split('\n')) {
        const f7 = line.split(':');
        if (f7[0] === user && f7.length >= 6) return f7[5];
      }
    } catch {
      // no passwd file: no expansion
    }
    return undefined;
  }

  // ---- signals, yielding ----

  /**
   * Races a promise against this shell being killed. (Each call holds its rejecter
   * only while it waits, so a long loop of guarded waits keeps no garbage.)
   */
  guard<T>(p: Promise<T>): Promise<T> {
    if (this.pendingSignal !== null) {
      p.catch(() => {});
      return Promise.reject(new KilledSignal(this.pendingSignal));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiters.add(reject);
      p.then(
        (v) => {
          this.waiters.delete(reject);
          resolve(v);
        },
        (e) => {
          this.waiters.delete(reject);
          reject(e);
        },
      );
    });
  }

  /**
   * Delivers a signal. A trapped signal runs its trap at the next command boundary;
   * an ignored one is dropped; any other kills the shell, its subshells and processes.
   */
  kill(sig: number): void {
    const name = signalName(sig) ?? String(sig);
    const trap = this.traps.get(name);
    if (trap === '') return;
    if (trap !== undefined) {
      this.pendingTraps.push(sig);
      return;
    }
    if (this.pendingSignal !== null) return;
    this.pendingSignal = sig;
    for (const reject of this.waiters) reject(new KilledSignal(sig));
    this.waiters.clear();
    for (const h of this.children) h.kill(sig);
    for (const s of this.subshells) s.kill(sig);
    for (const j of this.jobs.values()) j.shell.kill(sig);
  }

  private async tick(): Promise<void> {
    const y = this.rt.tick();
    if (y) await y;
    if (this.pendingSignal !== null) throw new KilledSignal(this.pendingSignal);
    if (this.pendingTraps.length && !this.inTrap) await this.runPendingTraps();
  }

  private async runPendingTraps(): Promise<void> {
    const sigs = this.pendingTraps;
    this.pendingTraps = [];
    for (const sig of sigs) {
      const action = this.traps.get(signalName(sig) ?? '');
      if (!action) continue;
      const saved = this.status;
      this.inTrap = true;
      try {
        await this.evalString(action, this.lineno);
      } finally {
        this.inTrap = false;
      }
      this.status = saved;
    }
  }

  // ---- running text ----

  /** Parses and runs a program one command line at a time (as ash does). */
  async evalString(src: string, lineBase: number, tested = false): Promise<number> {
    const parser = new Parser(src, lineBase);
    const savedParseLine = this.parseLine;
    let status = 0;
    try {
      for (;;) {
        let list: List | null;
        try {
          list = parser.next();
        } catch (e) {
          if (e instanceof ShellSyntaxError) {
            this.lineno = e.line;
            this.fatal(`syntax error: ${e.detail}`);
          }
          throw e;
        }
        if (list === null) break;
        this.parseLine = parser.lineAt(parser.offset);
        if (this.options.noexec) continue;
        if (list.items.length) status = await this.evalList(list, tested);
      }
    } finally {
      this.parseLine = savedParseLine;
    }
    return status;
  }

  /**
   * Runs a subshell body and turns every way of leaving it into an exit status,
   * running its EXIT trap on the way out.
   */
  async runSubshell(fn: () => Promise<number>): Promise<number> {
    let status: number;
    let runTrap = true;
    try {
      status = await fn();
    } catch (e) {
      const r = this.exitStatusOf(e);
      status = r.status;
      runTrap = r.runTrap;
    }
    if (runTrap) status = await this.runExitTrap(status);
    await this.flushOutput();
    this.parent?.subshells.delete(this);
    return status;
  }

  /** The status for a control-flow exception that ends a (sub)shell. */
  exitStatusOf(e: unknown): { status: number; runTrap: boolean } {
    if (e instanceof ExitSignal) return { status: e.status, runTrap: e.runTrap };
    if (e instanceof ShellError) return { status: e.status, runTrap: true };
    if (e instanceof ReturnSignal) return { status: e.status, runTrap: true };
    if (e instanceof LoopSignal) return { status: this.status, runTrap: true };
    if (e instanceof KilledSignal) {
      this.killedBy = e.signal;
      return { status: 128 + e.signal, runTrap: false };
    }
    throw e;
  }

  async runExitTrap(status: number): Promise<number> {
    const action = this.traps.get('EXIT');
    if (action === undefined) return status;
    this.traps.delete('EXIT');
    if (action === '') return status;
    this.status = status;
    try {
      await this.evalString(action, this.lineno);
    } catch (e) {
      const r = this.exitStatusOf(e);
      if (e instanceof ExitSignal) return r.status;
      if (e instanceof KilledSignal) return r.status;
    }
    return status;
  }

  async flushOutput(): Promise<void> {
    for (const fd of [1, 2]) {
      const w = this.fds.get(fd)?.writer;
      if (w) await drain(w);
    }
  }

  // ---- evaluation ----

  async evalList(list: List, tested: boolean): Promise<number> {
    for (const item of list.items) {
      if (item.background) {
        await this.startBackground(item.command);
        this.status = 0;
      } else {
        this.status = await this.evalCommand(item.command, tested);
      }
    }
    return this.status;
  }

  async evalCommand(cmd: Command, tested: boolean): Promise<number> {
    await this.tick();
    const status = await this.evalNode(cmd, tested);
    // A signal that arrived during the command (say `kill $$`) acts at once.
    if (this.pendingSignal !== null) throw new KilledSignal(this.pendingSignal);
    return status;
  }

  private async evalNode(cmd: Command, tested: boolean): Promise<number> {
    let status: number;
    switch (cmd.type) {
      case 'simple':
        status = await this.evalSimple(cmd, tested);
        return this.checkErrexit(status, tested);
      case 'pipeline': {
        status = await this.evalPipeline(cmd, tested);
        return cmd.negate ? status : this.checkErrexit(status, tested);
      }
      case 'and':
      case 'or': {
        status = await this.evalCommand(cmd.left, true);
        this.status = status;
        if ((status === 0) === (cmd.type === 'and')) status = await this.evalCommand(cmd.right, tested);
        return status;
      }
      case 'list':
        return this.evalList(cmd, tested);
      case 'subshell': {
        status = await this.withRedirects(cmd.redirs, async () => {
          const sub = this.clone();
          return sub.runSubshell(() => sub.evalList(cmd.body, tested));
        });
        return this.checkErrexit(status, tested);
      }
      case 'group':
        return this.withRedirects(cmd.redirs, () => this.evalList(cmd.body, tested));
      case 'if':
        return this.withRedirects(cmd.redirs, async () => {
          let node: typeof cmd | List | null = cmd;
          while (node && node.type === 'if') {
            this.status = await this.evalList(node.cond, true);
            if (this.status === 0) return this.evalList(node.then, tested);
            node = node.else;
          }
          if (node) return this.evalList(node, tested);
          return 0;
        });
      case 'loop':
        return this.withRedirects(cmd.redirs, () => this.evalLoop(cmd, tested));
      case 'for':
        return this.withRedirects(cmd.redirs, () => this.evalFor(cmd, tested));
      case 'case':
        return this.withRedirects(cmd.redirs, async () => {
          this.lineno = cmd.line;
          const word = await this.expander.string(cmd.word);
          for (const item of cmd.items) {
            for (const p of item.patterns) {
              const pat = await this.expander.pattern(p);
              if (matchPattern(pat, word)) return item.body ? this.evalList(item.body, tested) : 0;
            }
          }
          return 0;
        });
      case 'function':
        this.funcs.set(cmd.name, cmd.body);
        return 0;
    }
  }

  private checkErrexit(status: number, tested: boolean): number {
    if (status !== 0 && !tested && this.options.errexit) throw new ExitSignal(status);
    return status;
  }

  /** Runs a loop body, handling break and continue; returns 'break' when the loop must end. */
  private async loopBody(fn: () => Promise<number>): Promise<number | 'break' | 'continue'> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LoopSignal) {
        if (e.count > 1) {
          e.count--;
          throw e;
        }
        return e.isContinue ? 'continue' : 'break';
      }
      throw e;
    }
  }

  private async evalLoop(cmd: Command & { type: 'loop' }, tested: boolean): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        const c = await this.loopBody(() => this.evalList(cmd.cond, true));
        if (c === 'break') break;
        if (c === 'continue') continue;
        if ((c === 0) === cmd.until) break;
        const r = await this.loopBody(() => this.evalList(cmd.body, tested));
        if (r === 'break') break;
        if (r === 'continue') {
          status = this.status;
          continue;
        }
        status = r;
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private async evalFor(cmd: Command & { type: 'for' }, tested: boolean): Promise<number> {
    this.lineno = cmd.line;
    const words = cmd.words === null ? [...this.params] : await this.expander.fields(cmd.words);
    let status = 0;
    this.loopDepth++;
    try {
      for (const w of words) {
        this.assign(cmd.name, w);
        const r = await this.loopBody(() => this.evalList(cmd.body, tested));
        if (r === 'break') break;
        if (r === 'continue') {
          status = this.status;
          continue;
        }
        status = r;
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  // ---- simple commands ----

  classify(name: string, noFunctions = false): CommandKind {
    if (name.includes('/')) return { type: 'external' };
    const b = BUILTINS.get(name);
    if (b?.special) return { type: 'special', builtin: b };
    const f = noFunctions ? undefined : this.funcs.get(name);
    if (f) return { type: 'function', body: f };
    if (b) return { type: 'builtin', builtin: b };
    return { type: 'external' };
  }

  private async evalSimple(cmd: SimpleCommand, tested: boolean): Promise<number> {
    this.lineno = cmd.line;
    this.backStatus = 0;
    const argv = await this.expander.fields(cmd.args);
    if (argv.length === 0) {
      return this.withRedirects(
        cmd.redirs,
        async () => {
          const assigned = await this.assignAll(cmd.assigns, (name, value) => this.assign(name, value));
          if (this.options.xtrace && assigned.length) this.xtrace(assigned, []);
          return this.backStatus;
        },
        false,
      );
    }
    const kind = this.classify(argv[0]!);
    const special = kind.type === 'special';
    // `exec` without a command makes its redirections permanent.
    if (special && argv[0] === 'exec' && argv.length === 1) {
      const opened: (Reader | Writer)[] = [];
      const ok = await applyRedirects(this, cmd.redirs, this.fds, opened);
      if (!ok) throw new ShellError(1);
      const assigned = await this.assignAll(cmd.assigns, (name, value) => this.assign(name, value));
      if (this.options.xtrace) this.xtrace(assigned, argv);
      return 0;
    }
    return this.withRedirects(
      cmd.redirs,
      async () => {
        // Assignments before a special builtin persist; before anything else they
        // last for the command only (exported to it).
        const scoped = !special && cmd.assigns.length > 0;
        if (scoped) this.vars.pushScope();
        try {
          const assigned = await this.assignAll(cmd.assigns, (name, value) => {
            if (special) return this.assign(name, value);
            try {
              this.vars.makeLocal(name, value, true);
            } catch (e) {
              if (e instanceof ReadonlyError) this.fatal(e.message);
              throw e;
            }
          });
          if (this.options.xtrace) this.xtrace(assigned, argv);
          return await this.runKind(kind, argv, tested);
        } finally {
          if (scoped) this.vars.popScope();
        }
      },
      special,
    );
  }

  /** Expands and assigns each NAME=value in turn (a later one sees an earlier one). */
  private async assignAll(assigns: Assignment[], set: (name: string, value: string) => void): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for (const a of assigns) {
      const value = await this.expander.string(a.value, 'assign');
      set(a.name, value);
      out.push([a.name, value]);
    }
    return out;
  }

  private xtrace(assigned: [string, string][], argv: string[]): void {
    const ps4 = this.vars.get('PS4') ?? '';
    const words = [
      ...assigned.map(([n, v]) => `${n}=${traceQuote(v)}`),
      ...argv.map((a) => traceQuote(a, true)),
    ];
    this.writeErr(ps4 + words.join(' ') + '\n');
  }

  /** Runs an expanded command line (after its redirections and assignments). */
  async runKind(kind: CommandKind, argv: string[], tested: boolean): Promise<number> {
    switch (kind.type) {
      case 'special':
      case 'builtin':
        return this.runBuiltin(kind.builtin, argv, kind.type === 'special', tested);
      case 'function':
        return this.callFunction(kind.body, argv, tested);
      case 'external':
        return this.runExternal(argv);
    }
  }

  async runBuiltin(b: Builtin, argv: string[], special: boolean, tested = false): Promise<number> {
    const saved = this.commandName;
    // `command` is not a command of its own in ash's messages.
    if (argv[0] !== 'command') this.commandName = argv[0]!;
    try {
      return await b.run(this, argv, tested);
    } catch (e) {
      if (e instanceof ShellError && !special) return e.status;
      throw e;
    } finally {
      this.commandName = saved;
    }
  }

  async callFunction(body: Command, argv: string[], tested: boolean): Promise<number> {
    // As in ash, break and continue in a function act on the caller's loops.
    const savedParams = this.params;
    this.params = argv.slice(1);
    this.funcDepth++;
    this.vars.pushScope();
    try {
      return await this.evalCommand(body, tested);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.vars.popScope();
      this.funcDepth--;
      this.params = savedParams;
    }
  }

  /** Starts a process and waits for it. */
  async runExternal(argv: string[]): Promise<number> {
    const h = await this.spawn(argv);
    if (typeof h === 'number') return h;
    try {
      const status = await this.guard(h.wait());
      this.lastProcessSignal = h.signal ?? null;
      // Like ash, say how a process died unless it was ^C or a broken pipe.
      if (h.signal && h.signal !== SIGINT && h.signal !== SIGPIPE) this.writeErr(signalDescription(h.signal) + '\n');
      return status;
    } finally {
      this.children.delete(h);
    }
  }

  /** Starts a process, or prints why not and returns 127/126. */
  async spawn(argv: string[]): Promise<ProcessHandle | number> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.vars.environ())) env[toHost(k)] = toHost(v);
    const stdin = this.fds.get(0)?.reader ?? null;
    const stdout = this.fds.get(1)?.writer ?? null;
    const stderr = this.fds.get(2)?.writer ?? null;
    if (stdout) await drain(stdout);
    if (stderr) await drain(stderr);
    let started: Promise<ProcessHandle>;
    try {
      started = Promise.resolve(this.host.spawn({ argv: argv.map(toHost), env, cwd: toHost(this.cwd), stdin, stdout, stderr, umask: this.umask }));
    } catch (e) {
      started = Promise.reject(e);
    }
    try {
      const h = await this.guard(started);
      this.children.add(h);
      if (this.pendingSignal !== null) h.kill(this.pendingSignal);
      return h;
    } catch (e) {
      // Killed while the process was starting: it must not outlive the shell.
      if (e instanceof KilledSignal) started.then((h) => h.kill(e.signal), () => {});
      if (e instanceof SpawnError) {
        this.error(`${argv[0]}: ${e.reason === 'not-found' ? 'not found' : 'Permission denied'}`);
        return e.reason === 'not-found' ? 127 : 126;
      }
      throw e;
    }
  }

  // ---- pipelines, subshells, jobs ----

  private async evalPipeline(p: Pipeline, tested: boolean): Promise<number> {
    const cmds = p.commands;
    const t = tested || p.negate;
    let status: number;
    if (cmds.length === 1) {
      status = await this.evalCommand(cmds[0]!, t);
    } else if (this.host.pipeMode === 'concurrent') {
      const pipes = await Promise.all(cmds.slice(1).map(() => Promise.resolve(this.host.pipe())));
      const stages = cmds.map((c, i) => {
        const sub = this.clone();
        if (i > 0) sub.fds.set(0, { reader: pipes[i - 1]!.reader, writer: null });
        if (i < cmds.length - 1) sub.fds.set(1, { reader: null, writer: pipes[i]!.writer });
        return sub
          .runSubshell(() => sub.evalCommand(c, t))
          .finally(async () => {
            if (i < cmds.length - 1) await closeWriter(pipes[i]!.writer).catch(() => {});
            if (i > 0) await pipes[i - 1]!.reader.close().catch(() => {});
          });
      });
      const statuses = await this.guard(Promise.all(stages));
      status = this.pipelineStatus(statuses);
    } else {
      let prev: Reader | null = null;
      const statuses: number[] = [];
      for (let i = 0; i < cmds.length; i++) {
        const pipe = i < cmds.length - 1 ? await this.host.pipe() : null;
        const sub = this.clone();
        if (prev) sub.fds.set(0, { reader: prev, writer: null });
        if (pipe) sub.fds.set(1, { reader: null, writer: pipe.writer });
        statuses.push(await sub.runSubshell(() => sub.evalCommand(cmds[i]!, t)));
        if (pipe) await closeWriter(pipe.writer).catch(() => {});
        if (prev) await prev.close().catch(() => {});
        prev = pipe?.reader ?? null;
      }
      status = this.pipelineStatus(statuses);
    }
    if (p.negate) return status === 0 ? 1 : 0;
    return status;
  }

  /** The last stage's status, or with `set -o pipefail` the last failing one's. */
  private pipelineStatus(statuses: number[]): number {
    if (this.options.pipefail) for (let i = statuses.length - 1; i >= 0; i--) if (statuses[i] !== 0) return statuses[i]!;
    return statuses[statuses.length - 1]!;
  }

  /** Output of $(...), with the subshell's status kept for assignment-only commands. */
  async commandSubstitution(body: List): Promise<string> {
    const sub = this.clone();
    const pipe = await this.host.pipe();
    sub.fds.set(1, { reader: null, writer: pipe.writer });
    let text: string;
    let status: number;
    if (this.host.pipeMode === 'concurrent') {
      const run = sub.runSubshell(() => sub.evalList(body, false)).finally(() => closeWriter(pipe.writer).catch(() => {}));
      text = await this.guard(readAll(pipe.reader));
      status = await run;
    } else {
      status = await sub.runSubshell(() => sub.evalList(body, false));
      await closeWriter(pipe.writer).catch(() => {});
      text = await readAll(pipe.reader);
    }
    await pipe.reader.close().catch(() => {});
    this.backStatus = status;
    return text;
  }

  private async startBackground(cmd: Command): Promise<void> {
    const sub = this.clone();
    let devnull: OpenFile | null = null;
    try {
      devnull = await this.fs.open('/dev/null', 'r');
      sub.fds.set(0, { reader: devnull, writer: null });
    } catch {
      sub.fds.set(0, { reader: closedReader, writer: null });
    }
    const pid = this.rt.allocatePid();
    const job: Job = { pid, shell: sub, status: null, done: Promise.resolve(0) };
    job.done = sub
      .runSubshell(() => sub.evalCommand(cmd, false))
      .catch((e: unknown) => {
        // A failure of the host, not of the script: report it as a failed job.
        sub.writeErr(`${sub.arg0}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      })
      .then(async (s) => {
        job.status = s;
        await devnull?.close().catch(() => {});
        return s;
      });
    this.subshells.delete(sub);
    this.jobs.set(pid, job);
    this.lastBackgroundPid = pid;
  }

  /** `wait` for one job (its status, or 127 if unknown) or all (0). */
  async waitJobs(pid?: number): Promise<number> {
    if (pid === undefined) {
      for (const j of [...this.jobs.values()]) {
        await this.guard(j.done);
        this.jobs.delete(j.pid);
      }
      return 0;
    }
    const j = this.jobs.get(pid);
    if (!j) return 127;
    const s = await this.guard(j.done);
    this.jobs.delete(pid);
    return s;
  }

  /** `wait pid`: the job's status and the signal that killed it, if any. */
  async waitJob(pid: number): Promise<{ status: number; signal: number | null }> {
    const j = this.jobs.get(pid);
    if (!j) return { status: 127, signal: null };
    const status = await this.guard(j.done);
    this.jobs.delete(pid);
    return { status, signal: j.shell.killedBy ?? j.shell.lastProcessSignal };
  }

  hasJob(pid: number): boolean {
    return this.jobs.has(pid);
  }

  /** The shell whose pid is $$ (subshells share it). */
  root(): Shell {
    let s: Shell = this;
    while (s.parent && s.parent.pid === s.pid) s = s.parent;
    return s;
  }

  /** Signals a job started by this shell; false when there is no such job. */
  killJob(pid: number, sig: number): boolean {
    const j = this.jobs.get(pid);
    if (!j) return false;
    if (j.status === null) j.shell.kill(sig);
    return true;
  }

  // ---- redirections ----

  /**
   * Runs fn with the redirections applied to a copy of the descriptor table. A failed
   * redirection prints its message and gives status 1 — or ends the shell for a
   * special builtin.
   */
  async withRedirects(redirs: Redirect[], fn: () => Promise<number>, fatalOnFailure = false): Promise<number> {
    if (!redirs.length) return fn();
    const saved = this.fds;
    const table: FdTable = new Map(saved);
    const opened: (Reader | Writer)[] = [];
    this.fds = table;
    try {
      if (!(await applyRedirects(this, redirs, table, opened))) {
        if (fatalOnFailure) throw new ShellError(1);
        return 1;
      }
      return await fn();
    } finally {
      this.fds = saved;
      for (const s of opened) {
        if ('write' in s) await closeWriter(s).catch(() => {});
        else await s.close().catch(() => {});
      }
    }
  }

  // ---- misc used by builtins ----

  /** Searches PATH for an executable regular file; the full path or null. */
  async findInPath(name: string, path = this.vars.get('PATH') ?? ''): Promise<string | null> {
    for (const dir of path.split(':')) {
      const full = pathJoin(dir === '' ? '.' : dir, name);
      const abs = pathJoin(this.cwd, full);
      const st = await this.fs.stat(abs);
      if (st && st.type === 'file' && (await this.fs.access(abs, 1))) return full;
    }
    return null;
  }

  /** Changes the logical working directory, updating PWD and OLDPWD. */
  async chdir(dir: string, physical: boolean): Promise<string | null> {
    let target = normalizePath(pathJoin(this.cwd, dir));
    const st = await this.fs.stat(target);
    if (!st) return 'No such file or directory';
    if (st.type !== 'directory') return 'Not a directory';
    if (!(await this.fs.access(target, 1))) return 'Permission denied';
    if (physical) {
      try {
        target = await this.fs.realpath(target);
      } catch {
        // keep the logical path
      }
    }
    const old = this.cwd;
    this.cwd = target;
    try {
      this.vars.set('OLDPWD', this.vars.get('PWD') ?? old);
      this.vars.set('PWD', target);
    } catch {
      // readonly PWD: the directory still changes, as in ash
    }
    return null;
  }

  /** Reads a file through the host, as a byte string. */
  async readFile(path: string): Promise<string> {
    const f = await this.fs.open(pathJoin(this.cwd, path), 'r');
    try {
      return await readAll(f);
    } finally {
      await f.close().catch(() => {});
    }
  }
}

