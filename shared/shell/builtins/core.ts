/**
 * Builtins tied to the interpreter's state: control flow, variables, options,
 * traps, jobs, directories and command lookup.
 */
import { ExitSignal, LoopSignal, ReturnSignal } from '../control.ts';
import { FsError } from '../host.ts';
import type { Shell } from '../interp.ts';
import { OPTION_KEYS, OPTION_TABLE } from '../options.ts';
import { singleQuote } from '../quote.ts';
import { pathJoin } from '../io.ts';
import { isName, KEYWORDS } from '../lexer.ts';
import { MAX_SIGNAL, signalDescription, signalName, signalNumber, SIGINT, SIGPIPE } from '../signals.ts';
import { Arith, ArithError } from '../arith.ts';
import { number, parseOptions, type Builtin } from './types.ts';

const spec = (run: Builtin['run']): Builtin => ({ special: true, run });
const reg = (run: Builtin['run']): Builtin => ({ special: false, run });

const colon = spec(async () => 0);
const trueCmd = reg(async () => 0);
const falseCmd = reg(async () => 1);

const exit = spec(async (sh: Shell, argv: string[]) => {
  const status = argv[1] !== undefined ? number(sh, argv[1]) & 0xff : sh.status;
  throw new ExitSignal(status);
});

const returnCmd = spec(async (sh: Shell, argv: string[]) => {
  const status = argv[1] !== undefined ? number(sh, argv[1]) & 0xff : sh.status;
  throw new ReturnSignal(status);
});

function loopControl(isContinue: boolean): Builtin {
  return spec(async (sh: Shell, argv: string[]) => {
    let n = 1;
    if (argv[1] !== undefined) {
      n = number(sh, argv[1]);
      if (n <= 0) sh.fatal(`Illegal number: ${argv[1]}`);
    }
    n = Math.min(n, sh.loopDepth);
    if (n > 0) throw new LoopSignal(n, isContinue);
    return 0;
  });
}

const evalCmd = spec(async (sh: Shell, argv: string[], tested: boolean) => {
  const text = argv.slice(1).join(' ');
  if (!text) return 0;
  sh.status = 0;
  return sh.evalString(text, sh.lineno, tested);
});

const dot = spec(async (sh: Shell, argv: string[]) => {
  const name = argv[1];
  if (name === undefined) sh.fatal('.: missing argument');
  let path: string | null = name;
  if (!name.includes('/')) {
    path = null;
    for (const dir of (sh.vars.get('PATH') ?? '').split(':')) {
      const full = pathJoin(dir === '' ? '.' : dir, name);
      const st = await sh.fs.stat(pathJoin(sh.cwd, full));
      if (st && st.type === 'file') {
        path = full;
        break;
      }
    }
    if (path === null) sh.fatal(`${name}: not found`);
  }
  let text: string;
  try {
    text = await sh.readFile(path!);
  } catch (e) {
    if (e instanceof FsError) sh.fatal(`can't open '${path}': ${e.message.slice(e.message.lastIndexOf(': ') + 2)}`);
    throw e;
  }
  const savedName = sh.commandName;
  const savedParams = sh.params;
  if (argv.length > 2) sh.params = argv.slice(2);
  sh.commandName = path;
  sh.status = 0;
  try {
    return await sh.evalString(text, 1);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.status;
    throw e;
  } finally {
    sh.commandName = savedName;
    if (argv.length > 2) sh.params = savedParams;
  }
});

const exec = spec(async (sh: Shell, argv: string[]) => {
  let i = 1;
  if (argv[i] === '--') i++;
  if (i >= argv.length) return 0;
  const status = await sh.runExternal(argv.slice(i));
  throw new ExitSignal(status, false);
});

function listVars(sh: Shell, prefix: string, pick: (v: { exported: boolean; readonly: boolean }) => boolean): string {
  const lines: string[] = [];
  const entries = sh.vars.entries().filter(([, v]) => pick(v));
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, v] of entries) lines.push(v.value === undefined ? `${prefix} ${name}` : `${prefix} ${name}=${singleQuote(v.value)}`);
  return lines.map((l) => l + '\n').join('');
}

function exportLike(kind: 'export' | 'readonly'): Builtin {
  return spec(async (sh: Shell, argv: string[]) => {
    const { opts, rest } = parseOptions(sh, argv, kind === 'export' ? 'pn' : 'p');
    const names = argv.slice(rest);
    if (!names.length) {
      return sh.out(listVars(sh, kind, (v) => (kind === 'export' ? v.exported : v.readonly)));
    }
    for (const arg of names) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!isName(name)) sh.fatal(`${name}: bad variable name`);
      if (opts.has('n')) {
        const v = sh.vars.lookup(name);
        if (v) v.exported = false;
        continue;
      }
      if (eq >= 0) sh.assign(name, arg.slice(eq + 1));
      if (kind === 'export') sh.vars.setExported(name);
      else sh.vars.setReadonly(name);
    }
    return 0;
  });
}

const unset = spec(async (sh: Shell, argv: string[]) => {
  const { opts, rest } = parseOptions(sh, argv, 'fv');
  for (const name of argv.slice(rest)) {
    if (opts.has('f')) {
      sh.funcs.delete(name);
      continue;
    }
    if (sh.vars.lookup(name)?.readonly) sh.fatal(`${name}: is read only`);
    sh.vars.unset(name);
    if (name === 'LINENO') sh.linenoUnset = true;
  }
  return 0;
});

const local = spec(async (sh: Shell, argv: string[]) => {
  if (sh.funcDepth === 0 || !sh.vars.inScope) sh.fatal('not in a function');
  for (const arg of argv.slice(1)) {
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!isName(name)) sh.fatal(`${name}: bad variable name`);
    try {
      sh.vars.makeLocal(name, eq >= 0 ? arg.slice(eq + 1) : undefined);
    } catch {
      sh.fatal(`${name}: is read only`);
    }
  }
  return 0;
});

const set = spec(async (sh: Shell, argv: string[]) => {
  if (argv.length === 1) {
    const entries = sh.vars.entries().filter(([, v]) => v.value !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sh.out(entries.map(([n, v]) => `${n}=${singleQuote(v.value!)}\n`).join(''));
  }
  let i = 1;
  let status = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a[0] !== '-' && a[0] !== '+') break;
    const on = a[0] === '-';
    if (a === '-' || a === '--') {
      if (a === '-') {
        sh.options.xtrace = false;
        sh.options.verbose = false;
      } else if (i === argv.length - 1) {
        sh.params = [];
      }
      i++;
      break;
    }
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      if (c === 'o') {
        const name = argv[i + 1];
        if (name === undefined) {
          await sh.out(
            OPTION_TABLE.map(([, n], idx) => (n ? (on ? `${n.padEnd(16)}${sh.options[OPTION_KEYS[idx]!] ? 'on' : 'off'}\n` : `set ${sh.options[OPTION_KEYS[idx]!] ? '-' : '+'}o ${n}\n`) : '')).join(''),
          );
          continue;
        }
        i++;
        const idx = OPTION_TABLE.findIndex(([, n]) => n === name);
        if (idx < 0) {
          sh.error(`illegal option ${on ? '-' : '+'}o ${name}`);
          status = 1;
          continue;
        }
        setOption(sh, OPTION_KEYS[idx]!, on);
        continue;
      }
      const idx = OPTION_TABLE.findIndex(([l, n]) => l === c && n !== '');
      if (idx < 0) sh.fatal(`illegal option ${on ? '-' : '+'}${c}`);
      setOption(sh, OPTION_KEYS[idx]!, on);
    }
  }
  if (status) return status;
  if (i < argv.length) sh.params = argv.slice(i);
  return 0;
});

function setOption(sh: Shell, key: keyof Shell['options'], on: boolean): void {
  sh.options[key] = on;
  if (key === 'allexport') sh.vars.allexport = on;
}

const shift = spec(async (sh: Shell, argv: string[]) => {
  const n = argv[1] !== undefined ? number(sh, argv[1]) : 1;
  if (n > sh.params.length) return 1;
  sh.params = sh.params.slice(n);
  return 0;
});

const trap = spec(async (sh: Shell, argv: string[]) => {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    const keys = [...sh.traps.keys()].sort((a, b) => trapOrder(a) - trapOrder(b));
    return sh.out(keys.map((k) => `trap -- ${singleQuote(sh.traps.get(k)!)} ${k}\n`).join(''));
  }
  if (args[0] === '-l') {
    return sh.out(listSignals());
  }
  let action: string | null = args[0]!;
  let sigs = args.slice(1);
  if (signalNumber(action) !== null && /^[0-9]+$/.test(action) && !sigs.length) {
    // `trap N`: reset signal N
    sigs = [action];
    action = null;
  } else if (action === '-') action = null;
  let status = 0;
  for (const s of sigs) {
    const name = s === '0' || s.toUpperCase() === 'EXIT' ? 'EXIT' : signalName(signalNumber(s) ?? -1);
    if (!name) {
      sh.error(`${s}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (action === null) sh.traps.delete(name);
    else sh.traps.set(name, action);
  }
  return status;
});

function trapOrder(name: string): number {
  return name === 'EXIT' ? 0 : signalNumber(name) ?? 99;
}

function listSignals(): string {
  let s = '';
  for (let i = 1; i <= MAX_SIGNAL; i++) s += `${String(i).padStart(2)}) ${signalName(i)}\n`;
  return s;
}

const wait = reg(async (sh: Shell, argv: string[]) => {
  if (argv.length === 1) return sh.waitJobs();
  let status = 0;
  for (const a of argv.slice(1)) {
    if (!/^[0-9]+$/.test(a)) sh.fatal(`Illegal number: ${a}`);
    const r = await sh.waitJob(Number(a));
    status = r.status;
    if (r.signal && r.signal !== SIGINT && r.signal !== SIGPIPE) sh.writeErr(signalDescription(r.signal) + '\n');
  }
  return status;
});

const kill = reg(async (sh: Shell, argv: string[]) => {
  let sig = 15;
  let i = 1;
  const a = argv[1];
  if (a === '-l') {
    if (argv.length === 2) return sh.out(listSignals());
    let out = '';
    for (const x of argv.slice(2)) {
      if (/^[0-9]+$/.test(x)) {
        const n = Number(x) > 128 ? Number(x) - 128 : Number(x);
        const name = signalName(n);
        if (!name) sh.fatal(`bad signal name '${x}'`);
        out += name + '\n';
      } else {
        const n = signalNumber(x);
        if (n === null) sh.fatal(`bad signal name '${x}'`);
        out += n + '\n';
      }
    }
    return sh.out(out);
  }
  if (a === '-s') {
    const n = signalNumber(argv[2] ?? '');
    if (n === null) sh.fatal(`bad signal name '${argv[2] ?? ''}'`);
    sig = n;
    i = 3;
  } else if (a !== undefined && a.startsWith('-') && a !== '--' && a.length > 1) {
    const n = signalNumber(a.slice(1));
    if (n === null) sh.fatal(`bad signal name '${a.slice(1)}'`);
    sig = n;
    i = 2;
  }
  if (argv[i] === '--') i++;
  if (i >= argv.length) sh.fatal('usage: kill [-s sig | -signal | -l] pid...');
  let status = 0;
  for (const p of argv.slice(i)) {
    if (!/^-?[0-9]+$/.test(p)) sh.fatal(`can't kill pid ${p}: No such process`);
    const pid = Number(p);
    if (sig === 0 && (pid === sh.pid || sh.hasJob(pid))) continue;
    if (pid === sh.pid) sh.root().kill(sig);
    else if (sh.killJob(pid, sig)) continue;
    else if (!sh.host.kill?.(pid, sig)) {
      sh.writeErr(`${sh.appletName}: can't kill pid ${pid}: No such process\n`);
      status = 1;
    }
  }
  return status;
});

const cd = reg(async (sh: Shell, argv: string[]) => {
  let i = 1;
  let physical = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-L') physical = false;
    else if (a === '-P') physical = true;
    else break;
  }
  let dir: string | undefined = argv[i];
  let print = false;
  if (dir === undefined) {
    const home = sh.vars.get('HOME');
    if (home === undefined || home === '') return 0;
    dir = home;
  } else if (dir === '-') {
    dir = sh.vars.get('OLDPWD') ?? sh.cwd;
    print = true;
  } else if (dir === '') {
    return 0;
  }
  const err = await sh.chdir(dir, physical);
  if (err) sh.fatal(`can't cd to ${dir}: ${err}`);
  if (print) return sh.out(sh.cwd + '\n');
  return 0;
});

const pwd = reg(async (sh: Shell, argv: string[]) => {
  const { opts } = parseOptions(sh, argv, 'LP');
  let dir = sh.cwd;
  if (opts.has('P')) {
    try {
      dir = await sh.fs.realpath(dir);
    } catch {
      // keep the logical path
    }
  }
  return sh.out(dir + '\n');
});

async function describe(sh: Shell, name: string, mode: 'v' | 'V'): Promise<string | null> {
  if ((KEYWORDS as readonly string[]).includes(name)) return mode === 'v' ? name : `${name} is a shell keyword`;
  if (!name.includes('/')) {
    if (sh.funcs.has(name)) return mode === 'v' ? name : `${name} is a function`;
    const kind = sh.classify(name, true);
    if (kind.type === 'special') return mode === 'v' ? name : `${name} is a special shell builtin`;
    if (kind.type === 'builtin') return mode === 'v' ? name : `${name} is a shell builtin`;
    const p = await sh.findInPath(name);
    if (p) return mode === 'v' ? p : `${name} is ${p}`;
    return null;
  }
  const abs = pathJoin(sh.cwd, name);
  const st = await sh.fs.stat(abs);
  if (st && st.type === 'file' && (await sh.fs.access(abs, 1))) return mode === 'v' ? name : `${name} is ${name}`;
  return null;
}

const type = reg(async (sh: Shell, argv: string[]) => {
  let status = 0;
  for (const name of argv.slice(1)) {
    const d = await describe(sh, name, 'V');
    if (d === null) {
      await sh.out(`${name}: not found\n`);
      status = 127;
    } else await sh.out(d + '\n');
  }
  return status;
});

const command = reg(async (sh: Shell, argv: string[], tested: boolean) => {
  let i = 1;
  let mode: 'v' | 'V' | null = null;
  let defaultPath = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a.length < 2) break;
    for (const c of a.slice(1)) {
      if (c === 'v') mode = 'v';
      else if (c === 'V') mode = 'V';
      else if (c === 'p') defaultPath = true;
      else sh.fatal(`illegal option -${c}`);
    }
  }
  const rest = argv.slice(i);
  if (!rest.length) return 0;
  if (mode) {
    let status = 0;
    for (const name of rest) {
      const d = await describe(sh, name, mode);
      if (d === null) {
        if (mode === 'V') await sh.out(`${name}: not found\n`);
        status = 127;
      } else await sh.out(d + '\n');
    }
    return status;
  }
  const kind = sh.classify(rest[0]!, true);
  if (defaultPath && kind.type === 'external') {
    const saved = sh.vars.get('PATH');
    sh.vars.pushScope();
    try {
      sh.vars.makeLocal('PATH', '/usr/sbin:/usr/bin:/sbin:/bin', true);
      return await sh.runKind(kind, rest, tested);
    } finally {
      sh.vars.popScope();
      void saved;
    }
  }
  // A special builtin run through `command` loses its power to end the shell.
  if (kind.type === 'special') return sh.runBuiltin(kind.builtin, rest, false, tested);
  return sh.runKind(kind, rest, tested);
});

const hash = reg(async () => 0);

const times = spec(async (sh: Shell) => sh.out('0m0.00s 0m0.00s\n0m0.00s 0m0.00s\n'));

const umask = reg(async (sh: Shell, argv: string[]) => {
  const { opts, rest } = parseOptions(sh, argv, 'S');
  const arg = argv[rest];
  if (arg === undefined) {
    if (opts.has('S')) {
      const m = ~sh.umask & 0o777;
      const part = (shift: number): string => {
        const b = (m >> shift) & 7;
        return (b & 4 ? 'r' : '') + (b & 2 ? 'w' : '') + (b & 1 ? 'x' : '');
      };
      return sh.out(`u=${part(6)},g=${part(3)},o=${part(0)}\n`);
    }
    return sh.out(sh.umask.toString(8).padStart(4, '0') + '\n');
  }
  if (/^[0-7]+$/.test(arg)) {
    const v = parseInt(arg, 8);
    if (v > 0o777) sh.fatal(`illegal mode: ${arg}`);
    sh.umask = v;
    return 0;
  }
  const m = symbolicMode(~sh.umask & 0o777, arg);
  if (m === null) sh.fatal(`illegal mode: ${arg}`);
  sh.umask = ~m & 0o777;
  return 0;
});

/** Applies a symbolic mode (u=rwx,g+w,o-x) to permission bits; null when malformed. */
function symbolicMode(mode: number, spec: string): number | null {
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwx]*)$/.exec(clause);
    if (!m) return null;
    const who = m[1] || 'a';
    let mask = 0;
    if (who.includes('u') || who.includes('a')) mask |= 0o700;
    if (who.includes('g') || who.includes('a')) mask |= 0o070;
    if (who.includes('o') || who.includes('a')) mask |= 0o007;
    let bits = 0;
    if (m[3]!.includes('r')) bits |= 0o444;
    if (m[3]!.includes('w')) bits |= 0o222;
    if (m[3]!.includes('x')) bits |= 0o111;
    bits &= mask;
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else mode = (mode & ~mask) | bits;
  }
  return mode;
}

const getopts = reg(async (sh: Shell, argv: string[]) => {
  if (argv.length < 3) sh.fatal('usage: getopts optstring var [arg]');
  const optstr = argv[1]!;
  const varName = argv[2]!;
  const args = argv.length > 3 ? argv.slice(3) : sh.params;
  const st = sh.getopts;
  const optindVar = sh.vars.get('OPTIND');
  if (optindVar !== String(st.optind)) {
    st.optind = /^[0-9]+$/.test(optindVar ?? '') ? Number(optindVar) : 1;
    st.optoff = -1;
  }
  if (st.optind < 1 || st.optind > args.length + 1) {
    st.optind = 1;
    st.optoff = -1;
  }
  let ind = st.optind;
  let next = ind - 1; // index in args of the next word to consider
  let word: string | null = null;
  let p = 0;
  if (ind > 1 && st.optoff >= 0 && args[next - 1] !== undefined && st.optoff < args[next - 1]!.length) {
    word = args[next - 1]!;
    p = st.optoff;
  }
  let done = false;
  let c = '?';
  const silent = optstr.startsWith(':');
  const setArg = (v: string | undefined): void => {
    if (v === undefined) sh.vars.unset('OPTARG');
    else sh.assign('OPTARG', v);
  };
  out: {
    if (word === null) {
      const w = args[next];
      if (w === undefined || w[0] !== '-' || w === '-') {
        setArg(undefined);
        done = true;
        word = null;
        break out;
      }
      next++;
      if (w === '--') {
        setArg(undefined);
        done = true;
        word = null;
        break out;
      }
      word = w;
      p = 1;
    }
    c = word[p++]!;
    const k = optstr.indexOf(c);
    if (k < 0 || c === ':') {
      if (silent) setArg(c);
      else {
        sh.writeErr(`Illegal option -${c}\n`);
        setArg(undefined);
      }
      c = '?';
      break out;
    }
    if (optstr[k + 1] === ':') {
      if (p >= word.length) {
        const v = args[next];
        if (v === undefined) {
          if (silent) {
            setArg(c);
            c = ':';
          } else {
            sh.writeErr(`No arg for -${c} option\n`);
            setArg(undefined);
            c = '?';
          }
          word = null;
          break out;
        }
        next++;
        setArg(v);
      } else {
        setArg(word.slice(p));
      }
      word = null;
    } else {
      setArg('');
    }
  }
  ind = next + 1;
  st.optind = ind;
  st.optoff = word !== null && p < word.length ? p : -1;
  sh.vars.set('OPTIND', String(ind));
  sh.assign(varName, c);
  return done ? 1 : 0;
});

const let_ = reg(async (sh: Shell, argv: string[]) => {
  if (argv.length < 2) sh.fatal('expression expected');
  let v = 0n;
  const ar = new Arith({ get: (n) => sh.vars.get(n), set: (n, x) => sh.assign(n, x) });
  for (const e of argv.slice(1)) {
    try {
      v = ar.eval(e);
    } catch (err) {
      if (err instanceof ArithError) sh.fatal(err.message);
      throw err;
    }
  }
  return v === 0n ? 1 : 0;
});

export const CORE_BUILTINS: [string, Builtin][] = [
  [':', colon],
  ['.', dot],
  ['break', loopControl(false)],
  ['continue', loopControl(true)],
  ['eval', evalCmd],
  ['exec', exec],
  ['exit', exit],
  ['export', exportLike('export')],
  ['local', local],
  ['readonly', exportLike('readonly')],
  ['return', returnCmd],
  ['set', set],
  ['shift', shift],
  ['source', dot],
  ['times', times],
  ['trap', trap],
  ['unset', unset],
  ['true', trueCmd],
  ['false', falseCmd],
  ['cd', cd],
  ['chdir', cd],
  ['pwd', pwd],
  ['wait', wait],
  ['kill', kill],
  ['type', type],
  ['command', command],
  ['hash', hash],
  ['umask', umask],
  ['getopts', getopts],
  ['let', let_],
];

