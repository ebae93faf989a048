import { goQuote, goStruct } from './gofmt.ts';
import { GO_JSON, goJson } from './gojson.ts';
import { tabulate } from './table.ts';
import { TemplateError } from './template-ast.ts';
import { HEADER_FUNCS } from './template-funcs.ts';
import { type Template, parseTemplate } from './template.ts';
import { humanDuration } from './units.ts';

/**
 * docker's output formatting for list and inspect commands (docker/cli
 * cli/command/formatter): `--format table`, `--format json`, `--format '{{...}}'`,
 * `--format 'table {{.ID}}\t{{.Size}}'`, the column helpers (IDs, commands, states)
 * and `inspect`'s JSON and template output.
 */

/** `--format json`: one JSON object per line (docker 23+; 20.10 printed the word). */
export const JSON_FORMAT = '{{json .}}';

export interface ResolveFormatOptions {
  /** This listing's default table, e.g. 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}'. */
  table: string;
  /** --quiet: print only `quietFormat` per row when no custom format is given. */
  quiet?: boolean;
  quietFormat?: string;
}

/**
 * The format a listing renders with: '' and 'table' mean the default table (or the
 * quiet format), 'json' means {{json .}}, anything else is the user's template; a
 * custom format wins over --quiet, as in docker 20.10.
 */
export function resolveFormat(format: string, opts: ResolveFormatOptions): string {
  if (format === '' || format === 'table') return opts.quiet ? (opts.quietFormat ?? '{{.ID}}') : opts.table;
  if (format === 'json') return JSON_FORMAT;
  return format;
}

export function isTableFormat(format: string): boolean {
  return format.startsWith('table');
}

export interface FormatRowsOptions {
  /** Column titles by field name: { ID: 'IMAGE ID', Repository: 'REPOSITORY' }. */
  headers: Readonly<Record<string, string>>;
  /** The Go type rows stand for, named in errors about unknown fields (default 'row'). */
  rowType?: string;
}

/** The fields of a row object, its prototype's getters included (docker marshals a row's methods). */
function rowFields(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = new Set<string>(Object.keys(row));
  for (let p = Object.getPrototypeOf(row) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  for (const n of [...names].sort()) {
    let v = (row as Record<string, unknown>)[n];
    if (typeof v === 'function') {
      if (v.length > 0) continue;
      v = (v as () => unknown).call(row);
    }
    out[n] = v;
  }
  return out;
}

/** A row as docker's formatter contexts behave: a struct, whose JSON has sorted keys and escaped HTML. */
function rowContext(row: object, typeName: string): object {
  const ctx = Object.create(row) as object;
  goStruct(typeName, ctx);
  Object.defineProperty(ctx, GO_JSON, { value: () => goJson(rowFields(row), { escapeHTML: true }), enumerable: false });
  return ctx;
}

function parseFormat(format: string): { tmpl: Template; table: boolean } {
  const table = isTableFormat(format);
  let body = table ? format.slice('table'.length) : format;
  body = body.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  try {
    return { tmpl: parseTemplate(body), table };
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
    throw e;
  }
}

/**
 * Render rows with a resolved format (see resolveFormat): each row through the
 * template plus a newline; for a table format, a header line first (the template run
 * over `headers` with docker's header functions) and the whole aligned by docker's
 * tabwriter. Throws TemplateError `template parsing error: ...` as docker prints it;
 * nothing is rendered then.
 */
export function formatRows(format: string, rows: readonly object[], opts: FormatRowsOptions): string {
  const { tmpl, table } = parseFormat(format);
  const typeName = opts.rowType ?? 'row';
  let body = '';
  for (const row of rows) {
    try {
      body += tmpl.execute(rowContext(row, typeName)) + '\n';
    } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
      throw e;
    }
  }
  if (!table) return body;
  let header: string;
  try {
    header = tmpl.execute({ ...opts.headers }, { funcs: HEADER_FUNCS });
  } catch (e) {
    // docker ignores a header that fails and keeps what it printed before failing
    if (!(e instanceof TemplateError)) throw e;
    header = e.output;
  }
  return tabulate(header + '\n' + body);
}

// ---------------------------------------------------------------- inspect

/**
 * `inspect --format`: run the template over the typed value (objects marked with
 * goStruct fail on unknown fields, nil slices and maps print as [] and map[]); if that
 * fails, run it again over the plain JSON form with missing keys as errors, which is
 * what docker does, and report that error. No trailing newline.
 */
export function formatInspect(format: string, typed: unknown): string {
  let tmpl: Template;
  try {
    tmpl = parseTemplate(format);
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
    throw e;
  }
  try {
    return tmpl.execute(typed);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
  }
  const raw = JSON.parse(goJson(typed)) as unknown;
  try {
    return parseTemplate(format, { missingKey: 'error' }).execute(raw);
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
    throw e;
  }
}

/** Go's json.Indent over compact JSON text. */
export function indentJson(compact: string, prefix = '', indent = '    '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = (): string => '\n' + prefix + indent.repeat(depth);
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[': {
        const close = c === '{' ? '}' : ']';
        if (compact[i + 1] === close) {
          out += c + close;
          i++;
        } else {
          depth++;
          out += c + newline();
        }
        break;
      }
      case '}':
      case ']':
        depth--;
        out += newline() + c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** `docker inspect` without --format: a JSON array indented by four spaces. No trailing newline. */
export function inspectJson(values: readonly unknown[]): string {
  if (values.length === 0) return '[]';
  return indentJson('[' + values.map((v) => goJson(v)).join(',') + ']');
}

// ---------------------------------------------------------------- columns

/** stringid.TruncateID: drop an `algo:` prefix, keep 12 characters. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  if (i >= 0) id = id.slice(i + 1);
  return id.length > 12 ? id.slice(0, 12) : id;
}

const WIDE =
  /[\u1100-\u115F\u231A\u231B\u2329\u232A\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

/** Columns a character takes in a terminal: 2 for East Asian wide and fullwidth ones. */
export function charWidth(ch: string): number {
  return WIDE.test(ch) ? 2 : 1;
}

/** docker's Ellipsis: fit `s` into `maxWidth` columns, ending with … when cut. */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const rs = [...s];
  if (maxWidth === 1) return rs[0] ?? '';
  if (rs.every((c) => c.charCodeAt(0) < 0x80)) {
    if (rs.length <= maxWidth) return s;
    return rs.slice(0, maxWidth - 1).join('') + '…';
  }
  const display: number[] = [];
  let width = 0;
  for (const r of rs) {
    width += charWidth(r);
    display.push(width);
  }
  if (width <= maxWidth) return s;
  for (let i = 0; i + 1 < display.length; i++) {
    if (display[i]! <= maxWidth - 1 && display[i + 1]! > maxWidth - 1) return rs.slice(0, i + 1).join('') + '…';
  }
  return s;
}

/**
 * The `COMMAND` column of `ps`: the daemon joins path and args (quoting args that hold
 * a space in single quotes), the CLI cuts to 20 columns and Go-quotes the result.
 */
export function stringifyCommand(path: string, args: readonly string[], opts: { trunc?: boolean } = {}): string {
  let command = path;
  if (args.length > 0) command += ' ' + args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ');
  if (opts.trunc ?? true) command = ellipsis(command, 20);
  return goQuote(command);
}

function ms(t: Date | number): number {
  return typeof t === 'number' ? t : t.getTime();
}

/** `2 minutes ago`: the CREATED column. */
export function createdSince(created: Date | number, now: Date | number): string {
  return humanDuration(ms(now) - ms(created)) + ' ago';
}

export interface ContainerStateView {
  running: boolean;
  paused?: boolean;
  restarting?: boolean;
  dead?: boolean;
  removing?: boolean;
  exitCode: number;
  /** Absent or 0 when the container never started. */
  startedAt?: Date | number;
  finishedAt?: Date | number;
  /** Health status, if the container has a healthcheck: 'starting', 'healthy', 'unhealthy'. */
  health?: string;
}

/** The STATUS column: `Up 3 seconds`, `Exited (0) 5 seconds ago`, `Created`, as docker's daemon words it. */
export function containerStatus(s: ContainerStateView, now: Date | number): string {
  const since = (t: Date | number | undefined): string => humanDuration(ms(now) - ms(t ?? 0));
  if (s.running) {
    if (s.paused) return `Up ${since(s.startedAt)} (Paused)`;
    if (s.restarting) return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`;
    if (s.health) return `Up ${since(s.startedAt)} (${s.health === 'starting' ? 'health: starting' : s.health})`;
    return `Up ${since(s.startedAt)}`;
  }
  if (s.removing) return 'Removal In Progress';
  if (s.dead) return 'Dead';
  if (!s.startedAt) return 'Created';
  if (!s.finishedAt) return '';
  return `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`;
}
