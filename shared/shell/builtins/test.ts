/**
 * test and [ as in busybox: POSIX's rules for up to three arguments (so
 * `test '(' = '('` compares strings), then a recursive parser over -o, -a, !, ( ).
 * Status 0 true, 1 false, 2 error ("a: bad number", "argument expected").
 */
import type { Shell } from '../interp.ts';
import { pathJoin } from '../io.ts';
import type { Builtin } from './types.ts';

const UNARY = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-L', '-n', '-O', '-G', '-p', '-r', '-s', '-S', '-t', '-u', '-w', '-x', '-z']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

class TestError {
  constructor(readonly message: string) {}
}

class Evaluator {
  private i = 0;
  constructor(
    private readonly sh: Shell,
    private readonly args: string[],
  ) {}

  async general(): Promise<boolean> {
    const r = await this.or();
    if (this.i < this.args.length) throw new TestError(`${this.args[this.i]}: unknown operand`);
    return r;
  }

  private async or(): Promise<boolean> {
    let r = await this.and();
    while (this.args[this.i] === '-o') {
      this.i++;
      const r2 = await this.and();
      r = r || r2;
    }
    return r;
  }

  private async and(): Promise<boolean> {
    let r = await this.not();
    while (this.args[this.i] === '-a') {
      this.i++;
      const r2 = await this.not();
      r = r && r2;
    }
    return r;
  }

  private async not(): Promise<boolean> {
    if (this.args[this.i] === '!') {
      this.i++;
      // `[ ! ]` and `[ a -a ! ]` are true, as in busybox.
      if (this.i >= this.args.length) return true;
      return !(await this.not());
    }
    return this.primary();
  }

  private async primary(): Promise<boolean> {
    const a = this.args[this.i];
    if (a === undefined) throw new TestError('argument expected');
    if (a === '(') {
      this.i++;
      const r = await this.or();
      if (this.args[this.i] !== ')') throw new TestError('closing paren expected');
      this.i++;
      return r;
    }
    if (UNARY.has(a) && this.args[this.i + 1] !== undefined) {
      const operand = this.args[this.i + 1]!;
      this.i += 2;
      return unary(this.sh, a, operand);
    }
    const op = this.args[this.i + 1];
    if (op !== undefined && BINARY.has(op)) {
      const b = this.args[this.i + 2];
      if (b === undefined) throw new TestError(`${op}: argument expected`);
      this.i += 3;
      return binary(this.sh, a, op, b);
    }
    this.i++;
    return a !== '';
  }
}

function num(s: string): bigint {
  const m = /^[ \t\n]*([+-]?[0-9]+)[ \t\n]*$/.exec(s);
  if (!m) throw new TestError(`${s}: bad number`);
  return BigInt(m[1]!);
}

async function unary(sh: Shell, op: string, operand: string): Promise<boolean> {
  if (op === '-n') return operand !== '';
  if (op === '-z') return operand === '';
  if (op === '-t') {
    num(operand);
    return false;
  }
  const path = pathJoin(sh.cwd, operand);
  if (operand === '') return false;
  if (op === '-h' || op === '-L') return (await sh.fs.lstat(path))?.type === 'symlink';
  if (op === '-r' || op === '-w' || op === '-x') {
    if (!(await sh.fs.stat(path))) return false;
    return sh.fs.access(path, op === '-r' ? 4 : op === '-w' ? 2 : 1);
  }
  const st = await sh.fs.stat(path);
  if (!st) return false;
  switch (op) {
    case '-e':
      return true;
    case '-f':
      return st.type === 'file';
    case '-d':
      return st.type === 'directory';
    case '-b':
      return st.type === 'block';
    case '-c':
      return st.type === 'char';
    case '-p':
      return st.type === 'fifo';
    case '-S':
      return st.type === 'socket';
    case '-s':
      return st.size > 0;
    case '-g':
      return (st.mode & 0o2000) !== 0;
    case '-u':
      return (st.mode & 0o4000) !== 0;
    case '-k':
      return (st.mode & 0o1000) !== 0;
    case '-O':
    case '-G':
      return true;
  }
  return false;
}

async function binary(sh: Shell, a: string, op: string, b: string): Promise<boolean> {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-eq':
      return num(a) === num(b);
    case '-ne':
      return num(a) !== num(b);
    case '-lt':
      return num(a) < num(b);
    case '-le':
      return num(a) <= num(b);
    case '-gt':
      return num(a) > num(b);
    case '-ge':
      return num(a) >= num(b);
  }
  const sa = await sh.fs.stat(pathJoin(sh.cwd, a));
  const sb = await sh.fs.stat(pathJoin(sh.cwd, b));
  if (op === '-ef') return !!sa && !!sb && sa.id === sb.id;
  if (!sa || !sb) return false;
  return op === '-nt' ? sa.mtimeMs > sb.mtimeMs : sa.mtimeMs < sb.mtimeMs;
}

async function evaluate(sh: Shell, args: string[]): Promise<boolean> {
  let negate = false;
  for (;;) {
    if (args.length === 0) return negate;
    if (args.length === 1) return (args[0] !== '') !== negate;
    if (args.length === 3 && BINARY.has(args[1]!)) return (await binary(sh, args[0]!, args[1]!, args[2]!)) !== negate;
    if (args[0] === '!') {
      args = args.slice(1);
      negate = !negate;
      continue;
    }
    break;
  }
  return (await new Evaluator(sh, args).general()) !== negate;
}

export const test: Builtin = {
  special: false,
  async run(sh: Shell, argv: string[]) {
    let args = argv.slice(1);
    if (argv[0] === '[') {
      if (args[args.length - 1] !== ']') {
        sh.writeErr(`${sh.appletName}: missing ]\n`);
        return 2;
      }
      args = args.slice(0, -1);
    }
    try {
      return (await evaluate(sh, args)) ? 0 : 1;
    } catch (e) {
      if (e instanceof TestError) {
        sh.writeErr(`${sh.appletName}: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
