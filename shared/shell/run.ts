/**
 * Entry points: `runShell(host, argv, options)` runs `sh` as a process would
 * (`sh -c 'script' name args`, `sh script args`, `sh` reading stdin, with -e, -x and
 * the other set options), and `createShell` gives an interactive-style session that
 * runs text as it arrives, keeping its state between lines.
 */
import { fromBytes, fromHost } from './bytes.ts';
import { FsError, type ProcessHandle, type Reader, type ShellHost, type Writer } from './host.ts';
import { Shell } from './interp.ts';
import { OPTION_KEYS, OPTION_TABLE } from './options.ts';
import { Runtime } from './runtime.ts';
import { isName } from './lexer.ts';
import { LineFeeder } from './session.ts';

export interface ShellStartOptions {
  /** The environment, as a process receives it. */
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  stdin: Reader;
  stdout: Writer;
  stderr: Writer;
  /** $$ (default 1). */
  pid?: number;
  /** $PPID (default 0). */
  ppid?: number;
  /** File-creation mask (default 0o022). */
  umask?: number;
  /**
   * stdin and stderr are a terminal. A shell that then reads its commands from stdin (or
   * is given -i) is interactive: it prompts with PS1/PS2, as `docker run -it box sh` shows.
   */
  terminal?: boolean;
  /** For the prompt's `\\$`: `#` for root. */
  uid?: number;
}

/** A running shell, shaped like a process so a runtime can put it in its process table. */
export interface ShellProcess extends ProcessHandle {
  readonly shell: Shell;
}

const DEFAULT_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

/** A shell with the standard variables set, not yet running anything. */
export function createShell(host: ShellHost, options: ShellStartOptions): Shell {
  const pid = options.pid ?? 1;
  const rt = new Runtime(host, pid);
  const fds = new Map([
    [0, { reader: options.stdin, writer: null }],
    [1, { reader: null, writer: options.stdout }],
    [2, { reader: null, writer: options.stderr }],
  ]);
  const sh = new Shell(rt, { pid, cwd: fromHost(options.cwd), fds });
  if (options.umask !== undefined) sh.umask = options.umask;
  for (const [k, v] of Object.entries(options.env)) {
    const name = fromHost(k);
    if (isName(name)) sh.vars.set(name, fromHost(v), { export: true });
  }
  sh.vars.set('IFS', ' \t\n');
  sh.vars.set('PS1', '\\w \\$ ');
  sh.vars.set('PS2', '> ');
  sh.vars.set('PS4', '+ ');
  sh.vars.set('OPTIND', '1');
  sh.vars.set('PPID', String(options.ppid ?? 0));
  const shlvl = Number(sh.vars.get('SHLVL') ?? '0');
  sh.vars.set('SHLVL', String((Number.isFinite(shlvl) ? shlvl : 0) + 1), { export: true });
  if (sh.vars.get('PATH') === undefined) sh.vars.set('PATH', DEFAULT_PATH, { export: true });
  sh.vars.set('PWD', sh.cwd, { export: true });
  return sh;
}

/**
 * Runs `sh` with these arguments (argv[0] is the shell's name, used in messages).
 * Returns at once; wait() gives the exit status and kill(sig) stops the shell with
 * 128+sig (after killing what it started) unless it traps the signal.
 */
export function runShell(host: ShellHost, argv: string[], options: ShellStartOptions): ShellProcess {
  const sh = createShell(host, options);
  const done = main(sh, argv.map(fromHost), { terminal: options.terminal ?? false, uid: options.uid ?? 0 });
  return {
    shell: sh,
    pid: sh.pid,
    wait: () => done,
    kill: (sig: number) => sh.kill(sig),
    get signal() {
      return sh.killedBy;
    },
  };
}

interface Terminal {
  terminal: boolean;
  uid: number;
}

async function main(sh: Shell, argv: string[], tty: Terminal): Promise<number> {
  sh.arg0 = argv[0] ?? 'sh';
  sh.appletName = baseName(sh.arg0);
  let status: number;
  let runTrap = true;
  try {
    status = await start(sh, argv, tty);
  } catch (e) {
    try {
      const r = sh.exitStatusOf(e);
      status = r.status;
      runTrap = r.runTrap;
    } catch (bug) {
      // Not the shell's own control flow: report it rather than lose the engine.
      sh.writeErr(`${sh.arg0}: ${bug instanceof Error ? bug.message : String(bug)}\n`);
      status = 2;
    }
  }
  if (runTrap) status = await sh.runExitTrap(status);
  await sh.flushOutput();
  return status & 0xff;
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) || p : p;
}

/** Parses the shell's own options, then runs -c text, a script file, or stdin. */
async function start(sh: Shell, argv: string[], tty: Terminal): Promise<number> {
  let i = 1;
  let command: string | null = null;
  let wantCommand = false;
  let readStdin = false;
  let interactiveFlag = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a[0] !== '-' && a[0] !== '+') break;
    if (a === '-' || a === '--') {
      i++;
      break;
    }
    const on = a[0] === '-';
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      if (c === 'c') wantCommand = true;
      else if (c === 's') readStdin = true;
      else if (c === 'i') interactiveFlag = true;
      else if (c === 'l') continue;
      else if (c === 'o') {
        const name = argv[++i];
        const idx = OPTION_TABLE.findIndex(([, n]) => n && n === name);
        if (idx < 0) {
          sh.writeErr(`${sh.arg0}: illegal option ${on ? '-' : '+'}o ${name ?? ''}\n`);
          return 2;
        }
        setOpt(sh, OPTION_KEYS[idx]!, on);
      } else {
        const idx = OPTION_TABLE.findIndex(([l, n]) => l === c && n !== '');
        if (idx < 0) {
          sh.writeErr(`${sh.arg0}: illegal option ${on ? '-' : '+'}${c}\n`);
          return 2;
        }
        setOpt(sh, OPTION_KEYS[idx]!, on);
      }
    }
  }
  if (wantCommand) {
    command = argv[i++] ?? null;
    if (command === null) {
      sh.writeErr(`${sh.arg0}: -c requires an argument\n`);
      return 2;
    }
    sh.options.command = true;
    if (i < argv.length) {
      sh.arg0 = argv[i++]!;
      sh.commandName = sh.arg0;
    }
    sh.params = argv.slice(i);
    return sh.evalString(command, 0);
  }
  if (!readStdin && i < argv.length) {
    const script = argv[i++]!;
    sh.arg0 = script;
    sh.params = argv.slice(i);
    let text: string;
    try {
      text = await sh.readFile(script);
    } catch (e) {
      if (e instanceof FsError) {
        sh.writeErr(`${baseName(argv[0] ?? 'sh')}: can't open '${script}': ${e.message.slice(e.message.lastIndexOf(': ') + 2)}\n`);
        return 2;
      }
      throw e;
    }
    sh.commandName = script;
    return sh.evalString(text, 1);
  }
  sh.options.stdin = true;
  sh.params = argv.slice(i);
  return runStream(sh, tty.terminal || interactiveFlag ? { uid: tty.uid } : undefined);
}

/** PS1/PS2 with the escapes busybox's prompt knows best: \w, \W, \$, \u, \h. */
function prompt(sh: Shell, pending: boolean, uid: number): string {
  const raw = sh.vars.get(pending ? 'PS2' : 'PS1') ?? '';
  const home = sh.vars.get('HOME') ?? '';
  const cwd = sh.cwd;
  const w = home && (cwd === home || cwd.startsWith(home + '/')) ? '~' + cwd.slice(home.length) : cwd;
  return raw.replace(/\\([wW$uh])/g, (_, c: string) =>
    c === 'w' ? w : c === 'W' ? baseName(cwd) || '/' : c === '$' ? (uid === 0 ? '#' : '$') : c === 'u' ? (sh.vars.get('USER') ?? (uid === 0 ? 'root' : String(uid))) : (sh.vars.get('HOSTNAME') ?? 'box'),
  );
}

function setOpt(sh: Shell, key: (typeof OPTION_KEYS)[number], on: boolean): void {
  sh.options[key] = on;
  if (key === 'allexport') sh.vars.allexport = on;
}

/** Reads commands from stdin as they arrive. */
async function runStream(sh: Shell, interactive?: { uid: number }): Promise<number> {
  const feeder = new LineFeeder(sh, 1);
  const reader = sh.fds.get(0)?.reader;
  if (!reader) return 0;
  for (;;) {
    if (interactive) {
      sh.writeErr(prompt(sh, feeder.pending, interactive.uid));
      await sh.flushOutput();
    }
    const chunk = await sh.guard(reader.read());
    if (chunk === null) break;
    await feeder.feed(fromBytes(chunk));
  }
  return feeder.feed('', true);
}
