import { goQuote, goUnquote } from './gofmt.ts';
import {
  type ArgNode,
  type CommandNode,
  type EndNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type VariableNode,
  TemplateError,
  nodeString,
} from './template-ast.ts';
import { type Token, type TokenType, lex, tokenString } from './template-lex.ts';

/**
 * Parse a template into a tree, following Go's text/template/parse grammar and its
 * error messages. `{{define}}`, `{{template}}` and `{{block}}` are not supported
 * (docker's --format has a single anonymous template).
 */
export function parse(text: string, hasFunction: (name: string) => boolean, name = ''): ListNode {
  return new Parser(text, hasFunction, name).parse();
}

class Parser {
  private tokens: Token[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private lastLine = 1;
  private furthest = -1;

  constructor(
    text: string,
    private readonly hasFunction: (name: string) => boolean,
    private readonly name: string,
  ) {
    this.tokens = lex(text);
  }

  private errorf(msg: string): never {
    throw new TemplateError(`template: ${this.name}:${this.lastLine}: ${msg}`);
  }

  // Go reports the line of the furthest token read so far, peeked or not.
  private see(i: number): Token {
    const k = Math.min(i, this.tokens.length - 1);
    if (k > this.furthest) {
      this.furthest = k;
      this.lastLine = this.tokens[k]!.line;
    }
    return this.tokens[k]!;
  }

  private next(): Token {
    return this.see(this.i++);
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private peek(): Token {
    return this.see(this.i);
  }
  private nextNonSpace(): Token {
    let t: Token;
    do t = this.next();
    while (t.type === 'space');
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(t.val + extra);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        this.next();
        const t = this.nextNonSpace();
        if (t.type === 'define') this.errorf('{{define}} is not supported');
        this.backup(this.countBack());
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n as Node);
    }
    return root;
  }

  // How many tokens to step back to return to the left delimiter just consumed.
  private countBack(): number {
    let n = 1;
    while (this.tokens[this.i - n]?.type !== 'leftDelim') n++;
    return n;
  }

  private itemList(): { list: ListNode; next: Node | EndNode } {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return { list, next: n };
      list.nodes.push(n as Node);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node | EndNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'text':
        return { type: 'text', pos: t.pos, text: t.val };
      case 'leftDelim': {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(): Node | EndNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block':
        this.errorf('{{block}} is not supported');
      case 'template':
        this.errorf('{{template}} is not supported');
      case 'break':
      case 'continue': {
        const close = this.nextNonSpace();
        if (close.type !== 'rightDelim') this.unexpected(close, `{{${t.type}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${t.type}}} outside {{range}}`);
        return { type: t.type, pos: t.pos };
      }
      case 'else': {
        const p = this.peekNonSpace();
        if (p.type === 'if') return { type: 'else', pos: p.pos };
        const close = this.expect('rightDelim', 'else');
        return { type: 'else', pos: close.pos };
      }
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
        return this.control('if');
      case 'range':
        return this.control('range');
      case 'with':
        return this.control('with');
    }
    this.backup();
    const start = this.peek();
    return { type: 'action', pos: start.pos, line: start.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  private control(kind: 'if' | 'range' | 'with'): Node {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      let { list, next } = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (kind === 'if' && this.peek().type === 'if') {
          // {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} with a single {{end}}.
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.control('if')] };
        } else {
          const r = this.itemList();
          elseList = r.list;
          next = r.next;
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next as EndNode)}`);
        }
      }
      return { type: kind, pos: pipe.pos, line: this.lastLine, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private pipeline(context: string, end: TokenType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.nextNonSpace();
      const nx = this.peekNonSpace();
      if (nx.type === 'assign' || nx.type === 'declare') {
        pipe.isAssign = nx.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        break;
      } else if (nx.type === 'char' && nx.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // Not a declaration: step back to the variable (and the space after it).
        this.i = this.tokens.indexOf(v);
        break;
      }
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type !== 'field') return node;
    const fields: string[] = [];
    const pos = this.peek().pos;
    while (this.peek().type === 'field') fields.push(...this.next().val.slice(1).split('.'));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      default:
        return { type: 'chain', pos, node, fields };
    }
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.errorf(`function ${goQuote(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable':
        return this.useVar(t.pos, t.val);
      case 'field':
        return { type: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': {
        let s: string;
        try {
          s = goUnquote(t.val);
        } catch {
          this.errorf('invalid syntax');
        }
        return { type: 'string', pos: t.pos, quoted: t.val, text: s };
      }
    }
    this.backup();
    return null;
  }

  private variable(pos: number, text: string): VariableNode {
    return { type: 'variable', pos, ident: text.split('.') };
  }

  private useVar(pos: number, text: string): VariableNode {
    const v = this.variable(pos, text);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${goQuote(v.ident[0]!)}`);
    return v;
  }

  private number(t: Token): NumberNode {
    const n: NumberNode = { type: 'number', pos: t.pos, text: t.val, isInt: false, isFloat: false, int: 0, float: 0 };
    if (t.type === 'complex' || t.val.endsWith('i')) this.errorf('complex numbers are not supported');
    if (t.type === 'charConstant') {
      let s: string;
      try {
        s = goUnquote(t.val);
      } catch {
        this.errorf(`malformed character constant: ${t.val}`);
      }
      const cp = s.codePointAt(0)!;
      return { ...n, isInt: true, isFloat: true, int: cp, float: cp };
    }
    const i = parseGoInt(t.val);
    if (i !== null) {
      if (i > 9223372036854775807n || i < -9223372036854775808n) {
        if (i <= 18446744073709551615n && i >= 0n) this.errorf(`${t.val} overflows int`);
        this.errorf(`integer overflow: ${goQuote(t.val)}`);
      }
      return { ...n, isInt: true, isFloat: true, int: Number(i), float: Number(i) };
    }
    const f = parseGoFloat(t.val);
    if (f !== null) {
      if (!/[.eEpP]/.test(t.val)) this.errorf(`integer overflow: ${goQuote(t.val)}`);
      const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
      return { ...n, isFloat: true, float: f, isInt, int: isInt ? f : 0 };
    }
    this.errorf(`illegal number syntax: ${goQuote(t.val)}`);
  }
}

/** strconv.ParseInt(s, 0, 64) syntax, without the range check. */
function parseGoInt(s: string): bigint | null {
  const m = /^([+-]?)(0[xX]|0[oO]|0[bB]|0(?=[0-7_]))?([0-9a-fA-F_]+)$/.exec(s);
  if (!m) return null;
  const [, sign, prefix = '', body] = m;
  const base = /^0[xX]$/.test(prefix) ? 16 : /^0[oO]$/.test(prefix) ? 8 : /^0[bB]$/.test(prefix) ? 2 : prefix === '0' ? 8 : 10;
  // Underscores only between digits, or right after a base prefix.
  if (body!.includes('_')) {
    if (base === 10 && prefix === '') return null;
    if (/__|_$/.test(body!)) return null;
  }
  const digits = body!.replaceAll('_', '');
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]!;
  if (!valid.test(digits)) return null;
  const lit = base === 10 ? digits : '0' + { 2: 'b', 8: 'o', 16: 'x' }[base]! + digits;
  const v = BigInt(lit);
  return sign === '-' ? -v : v;
}

/** strconv.ParseFloat(s, 64) for decimal syntax. */
function parseGoFloat(s: string): number | null {
  if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?$/.test(s)) return null;
  if (/__|_$|_\.|\._|^[+-]?_/.test(s)) return null;
  const v = Number(s.replaceAll('_', ''));
  return Number.isFinite(v) ? v : null;
}
