/**
 * Shell arithmetic ($((...))): the C operator set on 64-bit signed integers, with
 * variables (whose values are themselves evaluated as expressions, as ash does) and
 * the assignment operators. Parsed to a tree first so that the unevaluated side of
 * &&, || and ?: has no side effects.
 */

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Node =
  | { t: 'num'; v: bigint }
  | { t: 'var'; name: string }
  | { t: 'un'; op: string; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'assign'; op: string; name: string; e: Node }
  | { t: 'incdec'; op: '++' | '--'; prefix: boolean; name: string }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'comma'; l: Node; r: Node };

const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
  '**': 11,
};
const ASSIGN = ['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|='];
const OPERATORS = ['<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '?', ':', '(', ')', '=', ','];

type Tok = { k: 'num'; v: bigint } | { k: 'name'; v: string } | { k: 'op'; v: string } | { k: 'end' };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      const m = /^(0[xX][0-9a-zA-Z_]*|[0-9][0-9a-zA-Z_#@]*)/.exec(s.slice(i))!;
      out.push({ k: 'num', v: parseNumber(m[0]) });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      out.push({ k: 'name', v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => s.startsWith(o, i));
    if (!op) throw new ArithError('arithmetic syntax error');
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  out.push({ k: 'end' });
  return out;
}

/** A numeric constant: decimal, 0octal, 0xhex or base#digits. */
function parseNumber(text: string): bigint {
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]+)$/.exec(text))) return I64(BigInt('0x' + m[1]));
  if (/^0[0-7]*$/.test(text)) return text === '0' ? 0n : I64(BigInt('0o' + text.slice(1)));
  if (/^[1-9][0-9]*$/.test(text)) return I64(BigInt(text));
  if ((m = /^([0-9]+)#([0-9a-zA-Z@_]+)$/.exec(text))) {
    const base = Number(m[1]);
    if (base >= 2 && base <= 64) {
      let v = 0n;
      for (const ch of m[2]!) {
        let d: number;
        if (ch >= '0' && ch <= '9') d = ch.charCodeAt(0) - 48;
        else if (ch >= 'a' && ch <= 'z') d = ch.charCodeAt(0) - 97 + 10;
        else if (ch >= 'A' && ch <= 'Z') d = base <= 36 ? ch.charCodeAt(0) - 65 + 10 : ch.charCodeAt(0) - 65 + 36;
        else if (ch === '@') d = 62;
        else d = 63;
        if (d >= base) throw new ArithError('arithmetic syntax error');
        v = I64(v * BigInt(base) + BigInt(d));
      }
      return v;
    }
  }
  throw new ArithError('arithmetic syntax error');
}

class ArithParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ArithError('arithmetic syntax error');
    this.i++;
  }

  parse(): Node | null {
    if (this.peek().k === 'end') return null;
    const n = this.comma();
    if (this.peek().k !== 'end') throw new ArithError('arithmetic syntax error');
    return n;
  }

  private comma(): Node {
    let l = this.assign();
    while (this.isOp(',')) {
      this.i++;
      l = { t: 'comma', l, r: this.assign() };
    }
    return l;
  }

  private assign(): Node {
    const t = this.peek();
    const n = this.toks[this.i + 1]!;
    if (t.k === 'name' && n.k === 'op' && ASSIGN.includes(n.v)) {
      this.i += 2;
      return { t: 'assign', op: n.v, name: t.v, e: this.assign() };
    }
    return this.cond();
  }

  private cond(): Node {
    const c = this.binary(1);
    if (!this.isOp('?')) return c;
    this.i++;
    const a = this.comma();
    this.expectOp(':');
    const b = this.assign();
    return { t: 'cond', c, a, b };
  }

  private binary(minPrec: number): Node {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op') return l;
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) return l;
      this.i++;
      // ** is right-associative; everything else left.
      const r = this.binary(t.v === '**' ? prec : prec + 1);
      l = { t: 'bin', op: t.v, l, r };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (t.k === 'op') {
      if (t.v === '++' || t.v === '--') {
        this.i++;
        const n = this.peek();
        if (n.k !== 'name') throw new ArithError('arithmetic syntax error');
        this.i++;
        return { t: 'incdec', op: t.v, prefix: true, name: n.v };
      }
      if (t.v === '+' || t.v === '-' || t.v === '!' || t.v === '~') {
        this.i++;
        return { t: 'un', op: t.v, e: this.unary() };
      }
      if (t.v === '(') {
        this.i++;
        const e = this.comma();
        this.expectOp(')');
        return e;
      }
      throw new ArithError('arithmetic syntax error');
    }
    if (t.k === 'num') {
      this.i++;
      return { t: 'num', v: t.v };
    }
    if (t.k === 'name') {
      this.i++;
      const n = this.peek();
      if (n.k === 'op' && (n.v === '++' || n.v === '--')) {
        this.i++;
        return { t: 'incdec', op: n.v, prefix: false, name: t.v };
      }
      return { t: 'var', name: t.v };
    }
    throw new ArithError('arithmetic syntax error');
  }
}

const MAX_DEPTH = 100;

/** Parsed expressions by text: loops evaluate the same few over and over. */
const parsed = new Map<string, Node | null>();

export class Arith {
  private depth = 0;
  constructor(private readonly vars: ArithVars) {}

  /** Evaluates an expression; an empty one is 0. Throws ArithError. */
  eval(expr: string): bigint {
    let tree = parsed.get(expr);
    if (tree === undefined) {
      tree = new ArithParser(tokenize(expr)).parse();
      if (parsed.size > 1000) parsed.clear();
      parsed.set(expr, tree);
    }
    return tree ? this.run(tree) : 0n;
  }

  private value(name: string): bigint {
    const s = this.vars.get(name);
    if (s === undefined || s === '') return 0n;
    const t = s.trim();
    if (/^-?[0-9]+$/.test(t) && !/^-?0[0-9]/.test(t)) return I64(BigInt(t));
    if (++this.depth > MAX_DEPTH) throw new ArithError('expression recursion loop detected');
    try {
      return this.eval(s);
    } finally {
      this.depth--;
    }
  }

  private run(n: Node): bigint {
    switch (n.t) {
      case 'num':
        return n.v;
      case 'var':
        return this.value(n.name);
      case 'un': {
        const v = this.run(n.e);
        if (n.op === '-') return I64(-v);
        if (n.op === '+') return v;
        if (n.op === '!') return v === 0n ? 1n : 0n;
        return I64(~v);
      }
      case 'bin': {
        if (n.op === '&&') return this.run(n.l) !== 0n && this.run(n.r) !== 0n ? 1n : 0n;
        if (n.op === '||') return this.run(n.l) !== 0n || this.run(n.r) !== 0n ? 1n : 0n;
        return binop(n.op, this.run(n.l), this.run(n.r));
      }
      case 'assign': {
        let v = this.run(n.e);
        if (n.op !== '=') v = binop(n.op.slice(0, -1), this.value(n.name), v);
        this.vars.set(n.name, v.toString());
        return v;
      }
      case 'incdec': {
        const old = this.value(n.name);
        const v = I64(n.op === '++' ? old + 1n : old - 1n);
        this.vars.set(n.name, v.toString());
        return n.prefix ? v : old;
      }
      case 'cond':
        return this.run(n.c) !== 0n ? this.run(n.a) : this.run(n.b);
      case 'comma':
        this.run(n.l);
        return this.run(n.r);
    }
  }
}

function binop(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&':
      return a & b;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '<':
      return a < b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '<<':
      return I64(a << (b & 63n));
    case '>>':
      return I64(a >> (b & 63n));
    case '+':
      return I64(a + b);
    case '-':
      return I64(a - b);
    case '*':
      return I64(a * b);
    case '/':
    case '%':
      if (b === 0n) throw new ArithError('divide by zero');
      // BigInt division truncates toward zero, like C.
      return I64(op === '/' ? a / b : a % b);
    case '**':
      if (b < 0n) throw new ArithError('exponent less than 0');
      {
        let r = 1n;
        let base = a;
        for (let e = b; e > 0n; e >>= 1n) {
          if (e & 1n) r = I64(r * base);
          base = I64(base * base);
        }
        return r;
      }
  }
  throw new ArithError('arithmetic syntax error');
}
