import { type ListNode, TemplateError } from './template-ast.ts';
import { type MissingKey, execute } from './template-exec.ts';
import { BUILTIN_FUNCS, DOCKER_FUNCS, type TemplateFunc } from './template-funcs.ts';
import { parse } from './template-parse.ts';

/**
 * Go text/template for docker's `--format`, over plain JavaScript data.
 *
 *   const t = parseTemplate('{{range .Env}}{{.}};{{end}}');
 *   t.execute({ Env: ['A=1', 'B=2'] }); // 'A=1;B=2;'
 *
 * Field names are object keys, case-sensitive, as docker's JSON names them. Values
 * print as Go prints them (see gofmt.ts): `map[a:1 b:2]`, `[x y]`, `<no value>` for a
 * missing field. A property that holds a function is a method: it is called, with the
 * template's arguments. Errors are TemplateErrors carrying Go's message
 * (`template: :1: unclosed action`).
 *
 * Not supported: {{define}}, {{template}}, {{block}} and complex numbers.
 *
 * Hand-written (lexer, parser, executor modelled on Go's text/template) because the
 * JavaScript ports on npm cover a subset, print values the JavaScript way and do not
 * give Go's error messages, which docker users see.
 */

export type TemplateFunction = TemplateFunc | ((...args: never[]) => unknown);

export interface TemplateOptions {
  /** Extra functions, or replacements for the standard ones. A plain function takes any arguments. */
  funcs?: Readonly<Record<string, TemplateFunction>>;
  /** Include docker's json/split/join/title/lower/upper/pad/truncate (default true). */
  dockerFuncs?: boolean;
  /** 'error' makes a missing map key fail, as `docker inspect --format` does (default 'default'). */
  missingKey?: MissingKey;
}

function asTemplateFunc(f: TemplateFunction): TemplateFunc {
  if (typeof f === 'function') return { params: [], variadic: 'any', fn: f as (...a: unknown[]) => unknown };
  return f;
}

export class Template {
  private readonly funcs: Map<string, TemplateFunc>;

  /** @internal use parseTemplate */
  constructor(
    readonly text: string,
    private readonly root: ListNode,
    funcs: Map<string, TemplateFunc>,
    private readonly missingKey: MissingKey,
  ) {
    this.funcs = funcs;
  }

  /**
   * Render over `data`. `funcs` replaces functions by name for this run only, as Go's
   * Template.Funcs does for docker's table headers; new names cannot be added here.
   */
  execute(data: unknown, opts: { funcs?: Readonly<Record<string, TemplateFunction>> } = {}): string {
    const override = opts.funcs;
    const lookup = (name: string): TemplateFunc | undefined => {
      if (override && Object.prototype.hasOwnProperty.call(override, name) && this.funcs.has(name)) {
        return asTemplateFunc(override[name]!);
      }
      return this.funcs.get(name);
    };
    return execute(this.root, data, { funcs: lookup, missingKey: this.missingKey, name: '', text: this.text });
  }
}

/** Parse a template; throws TemplateError with Go's message on bad syntax. */
export function parseTemplate(text: string, opts: TemplateOptions = {}): Template {
  const funcs = new Map<string, TemplateFunc>(Object.entries(BUILTIN_FUNCS));
  if (opts.dockerFuncs ?? true) for (const [k, v] of Object.entries(DOCKER_FUNCS)) funcs.set(k, v);
  for (const [k, v] of Object.entries(opts.funcs ?? {})) funcs.set(k, asTemplateFunc(v));
  const root = parse(text, (name) => funcs.has(name));
  return new Template(text, root, funcs, opts.missingKey ?? 'default');
}

/** Parse and execute in one step. */
export function renderTemplate(text: string, data: unknown, opts: TemplateOptions = {}): string {
  return parseTemplate(text, opts).execute(data);
}

export { TemplateError };
