import { goKind, goQuote, goString, goTypeName, isGoNil, isStruct, sortedKeys, structName, utf8Length } from './gofmt.ts';
import {
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type VariableNode,
  TemplateError,
  nodeString,
} from './template-ast.ts';
import { type ParamType, type TemplateFunc, truth } from './template-funcs.ts';

/**
 * Executes a parsed template over plain JavaScript data with Go's semantics: field
 * lookup on objects (a property holding a function is a method and is called), `$`
 * and declared variables, if/with/range/else, break/continue, pipelines that pass the
 * previous value as the last argument, and Go's error texts.
 */

export type MissingKey = 'default' | 'error';

export interface ExecOptions {
  funcs: (name: string) => TemplateFunc | undefined;
  missingKey: MissingKey;
  name: string;
  text: string;
}

const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;

class Break {}
class Continue {}

interface Variable {
  name: string;
  value: unknown;
}

type PosNode = { pos: number; type: string };

export function execute(root: ListNode, data: unknown, opts: ExecOptions): string {
  const s = new State(opts, data);
  try {
    s.walk(data, root);
  } catch (e) {
    if (e instanceof TemplateError) e.output = s.out;
    throw e;
  }
  return s.out;
}

class State {
  out = '';
  private vars: Variable[];
  private node: PosNode | null = null;

  constructor(
    private readonly opts: ExecOptions,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }];
  }

  private at(n: PosNode): void {
    this.node = n;
  }

  private errorf(msg: string): never {
    const name = this.opts.name;
    if (!this.node) throw new TemplateError(`template: ${name}: ${msg}`);
    const before = this.opts.text.slice(0, this.node.pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = nl < 0 ? utf8Length(before) : utf8Length(before.slice(nl + 1));
    const ctx = nodeString(this.node as ArgNode);
    throw new TemplateError(`template: ${name}:${line}:${col}: executing ${goQuote(name)} at <${ctx}>: ${msg}`);
  }

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const v = this.evalPipeline(dot, node.pipe);
      if (truth(v)) this.walk(node.type === 'with' ? v : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const outer = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.vars.length;
      const decl = node.pipe.decl.length;
      const one = (key: unknown, elem: unknown): boolean => {
        if (decl > 0) this.vars[mark - 1]!.value = elem;
        if (decl > 1) this.vars[mark - 2]!.value = key;
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e instanceof Break) return false;
          if (!(e instanceof Continue)) throw e;
        } finally {
          this.vars.length = mark;
        }
        return true;
      };
      let iterated = false;
      if (val === undefined || val === null || isGoNil(val)) {
        // a nil slice or map: nothing to iterate
      } else if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) {
          iterated = true;
          if (!one(i, normalize(val[i]))) break;
        }
      } else if (goKind(val) === 'map') {
        for (const k of sortedKeys(val as object)) {
          iterated = true;
          if (!one(k, normalize((val as Record<string, unknown>)[k]))) break;
        }
      } else {
        this.errorf(`range can't iterate over ${goString(val)}`);
      }
      if (!iterated && node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = outer;
    }
  }

  private printValue(node: PosNode, v: unknown): void {
    this.at(node);
    if (v === undefined || v === null) {
      this.out += '<no value>';
      return;
    }
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(node as ArgNode)} of type func`);
    this.out += goString(v);
  }

  // ------------------------------------------------------------ evaluation

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = normalize(this.evalCommand(dot, cmd, value));
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if ((args && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    const isHex = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHex && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    this.errorf(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: PosNode,
    ident: readonly string[],
    args: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    for (let i = 0; i < ident.length - 1; i++) receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, receiver);
  }

  private evalField(
    dot: unknown,
    name: string,
    node: PosNode,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) {
      if (this.opts.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const kind = goKind(receiver);
    if (kind === 'map' || kind === 'struct') {
      const found = lookup(receiver as object, name);
      if (found.found) {
        if (typeof found.value === 'function') {
          const method = found.value as (...a: unknown[]) => unknown;
          const fn: TemplateFunc = { params: [], variadic: 'any', fn: (...a) => method.apply(receiver, a) };
          return this.evalCall(dot, fn, false, node, name, args, final);
        }
        if (hasArgs) {
          if (isStruct(receiver)) this.errorf(`${name} has arguments but cannot be invoked as function`);
          this.errorf(`${name} is not a method but has arguments`);
        }
        return found.value;
      }
      if (isStruct(receiver)) this.errorf(`can't evaluate field ${name} in type ${structName(receiver as object)}`);
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (this.opts.missingKey === 'error') this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: PosNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(node);
    const fn = this.opts.funcs(node.name);
    if (!fn) this.errorf(`${goQuote(node.name)} is not a defined function`);
    return this.evalCall(dot, fn, true, cmd, node.name, args, final);
  }

  private evalCall(
    dot: unknown,
    fn: TemplateFunc,
    isBuiltin: boolean,
    node: PosNode,
    name: string,
    argNodes: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic) {
      if (numIn < fixed) this.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${args.length}`);
    } else if (numIn !== fixed) {
      this.errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < fixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    if (final !== MISSING) {
      const t = fn.variadic && numIn - 1 >= fixed ? fn.variadic : fn.params[numIn - 1]!;
      argv.push(this.validateType(final, t));
    }
    try {
      return fn.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private validateType(value: unknown, type: ParamType): unknown {
    if (value === undefined || value === null) {
      if (type === 'value' || type === 'any' || type === 'strings') return undefined;
      this.errorf(`invalid value; expected ${goParamName(type)}`);
    }
    let ok: boolean;
    switch (type) {
      case 'value':
      case 'any':
        return value;
      case 'string':
        ok = typeof value === 'string';
        break;
      case 'int':
        ok = goKind(value) === 'int';
        break;
      case 'bool':
        ok = typeof value === 'boolean';
        break;
      case 'strings':
        ok = Array.isArray(value) && value.every((x) => typeof x === 'string');
        break;
    }
    if (!ok) this.errorf(`wrong type for value; expected ${goParamName(type)}; got ${goTypeName(value)}`);
    return value;
  }

  private evalArg(dot: unknown, type: ParamType, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === 'value' || type === 'any' || type === 'strings') return undefined;
        this.errorf(`cannot assign nil to ${goParamName(type)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), type);
    }
    switch (type) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return n.int;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'value':
      case 'any':
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${goParamName(type)}`);
  }

  // ------------------------------------------------------------ variables

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
}

function goParamName(t: ParamType): string {
  switch (t) {
    case 'value':
      return 'reflect.Value';
    case 'any':
      return 'interface {}';
    case 'strings':
      return '[]string';
    default:
      return t;
  }
}

/** A nil interface read out of data is "no value" to the template, as in Go. */
function normalize(v: unknown): unknown {
  return v === null ? undefined : v;
}

/** Own or inherited property, stopping before Object.prototype so `constructor` is no field. */
function lookup(obj: object, name: string): { found: boolean; value?: unknown } {
  let o: object | null = obj;
  while (o && o !== Object.prototype && o !== Array.prototype) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d) return { found: true, value: d.get ? d.get.call(obj) : d.value };
    o = Object.getPrototypeOf(o) as object | null;
  }
  return { found: false };
}
