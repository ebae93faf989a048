import { InvalidArgumentError } from '../errors.ts';

/**
 * The parse tree of a template, shaped like Go's text/template/parse so that error
 * messages can quote a node the way Go does (`at <index .Labels "a">`).
 */

/**
 * A template failed to parse or to execute. The message is Go's, e.g.
 * `template: :1: unclosed action`; docker prefixes it with `template parsing error: `.
 */
export class TemplateError extends InvalidArgumentError {
  /** What execution had written before it failed (Go's writer keeps it). */
  output = '';
}

export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}
export interface ListNode {
  type: 'list';
  pos: number;
  nodes: Node[];
}
export interface ActionNode {
  type: 'action';
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface BranchNode {
  type: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface BreakNode {
  type: 'break' | 'continue';
  pos: number;
}
export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}
export interface FieldNode {
  type: 'field';
  pos: number;
  ident: string[];
}
export interface VariableNode {
  type: 'variable';
  pos: number;
  ident: string[];
}
export interface IdentifierNode {
  type: 'identifier';
  pos: number;
  name: string;
}
export interface ChainNode {
  type: 'chain';
  pos: number;
  node: ArgNode;
  fields: string[];
}
export interface DotNode {
  type: 'dot';
  pos: number;
}
export interface NilNode {
  type: 'nil';
  pos: number;
}
export interface BoolNode {
  type: 'bool';
  pos: number;
  value: boolean;
}
export interface NumberNode {
  type: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: number;
  float: number;
}
export interface StringNode {
  type: 'string';
  pos: number;
  quoted: string;
  text: string;
}
/** Internal markers for {{end}} and {{else}} while parsing. */
export interface EndNode {
  type: 'end' | 'else';
  pos: number;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | IdentifierNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node = TextNode | ListNode | ActionNode | BranchNode | BreakNode;

/** Go's Node.String(): the source form of a node, used in error contexts. */
export function nodeString(n: ArgNode | CommandNode | Node | EndNode): string {
  switch (n.type) {
    case 'field':
      return '.' + n.ident.join('.');
    case 'variable':
      return n.ident.join('.');
    case 'identifier':
      return n.name;
    case 'chain': {
      const base = n.node.type === 'pipe' ? '(' + nodeString(n.node) + ')' : nodeString(n.node);
      return base + n.fields.map((f) => '.' + f).join('');
    }
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'pipe': {
      let s = '';
      if (n.decl.length) s = n.decl.map((v) => nodeString(v)).join(', ') + ' := ';
      return s + n.cmds.map((c) => nodeString(c)).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? '(' + nodeString(a) + ')' : nodeString(a))).join(' ');
    case 'text':
      return JSON.stringify(n.text);
    case 'list':
      return n.nodes.map((x) => nodeString(x)).join('');
    case 'action':
      return '{{' + nodeString(n.pipe) + '}}';
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'break':
    case 'continue':
      return `{{${n.type}}}`;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
  }
}
