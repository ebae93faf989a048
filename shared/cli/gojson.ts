import { isGoNil } from './gofmt.ts';

/**
 * Go's encoding/json as docker's `{{json}}` prints it. Differences from JSON.stringify
 * that users see: U+2028/U+2029 and control characters are escaped the Go way
 * (`\u0008`, not `\b`), HTML characters are escaped only when asked (docker's formatter
 * rows are, its `json` template function is not), a Date encodes as RFC 3339, and a
 * value may marshal itself like a Go json.Marshaler.
 *
 * Objects encode their keys in insertion order, as a Go struct encodes its fields; build
 * map-like objects (labels) with sorted keys to match a Go map.
 */

/** A value carrying this method encodes as the JSON text it returns (Go's json.Marshaler). */
export const GO_JSON: unique symbol = Symbol('go.json');

export interface GoJsonOptions {
  /** Escape <, > and & as \u003c, \u003e, \u0026 (Go's json.Marshal default). */
  escapeHTML?: boolean;
}

function escapeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u00' + c.toString(16).padStart(2, '0');
    else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) out += '\\u00' + c.toString(16);
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\\ufffd';
    else out += s[i];
  }
  return out + '"';
}

/** RFC 3339 with nanosecond precision and trailing zeros removed, like Go's time.Time. */
export function rfc3339Nano(d: Date): string {
  const iso = d.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? '.' + frac : '') + 'Z';
}

function encode(v: unknown, opts: Required<GoJsonOptions>): string | undefined {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError(`json: unsupported value: ${v}`);
      return JSON.stringify(v); // same digits and exponent rules as Go for float64
    case 'bigint':
      return v.toString();
    case 'string':
      return escapeString(v, opts.escapeHTML);
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      const marshal = (v as { [GO_JSON]?: () => string })[GO_JSON];
      if (typeof marshal === 'function') return marshal.call(v);
      if (isGoNil(v)) return 'null';
      if (v instanceof Date) return '"' + rfc3339Nano(v) + '"';
      if (Array.isArray(v)) return '[' + v.map((x) => encode(x, opts) ?? 'null').join(',') + ']';
      const parts: string[] = [];
      for (const k of Object.keys(v)) {
        const e = encode((v as Record<string, unknown>)[k], opts);
        if (e !== undefined && (v as Record<string, unknown>)[k] !== undefined) parts.push(escapeString(k, opts.escapeHTML) + ':' + e);
      }
      return '{' + parts.join(',') + '}';
    }
    default:
      return undefined;
  }
}

/** Encode a value as compact JSON, byte for byte as Go's encoder would (see module notes). */
export function goJson(v: unknown, opts: GoJsonOptions = {}): string {
  return encode(v, { escapeHTML: opts.escapeHTML ?? false }) ?? 'null';
}
