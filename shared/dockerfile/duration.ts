/**
 * Go's time.ParseDuration, which HEALTHCHECK's --interval, --timeout, --start-period and
 * --start-interval use: a sequence of decimal numbers with units (`1h30m`, `1.5s`, `300ms`),
 * units ns, us (µs), ms, s, m, h; a bare `0` is allowed. Returns nanoseconds.
 * @throws Error with Go's message: `time: invalid duration "x"`.
 */
export function parseDuration(input: string): number {
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quote(input)}`);
  let total = 0n;
  const max = (1n << 63n) - 1n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]!))) throw new Error(`time: invalid duration ${quote(input)}`);
    let i = 0;
    while (i < s.length && isDigit(s[i]!)) i++;
    const intPart = s.slice(0, i);
    let fracPart = '';
    if (i < s.length && s[i] === '.') {
      const j = ++i;
      while (i < s.length && isDigit(s[i]!)) i++;
      fracPart = s.slice(j, i);
    }
    if (intPart === '' && fracPart === '') throw new Error(`time: invalid duration ${quote(input)}`);
    s = s.slice(i);
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u]!)) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${quote(input)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(unitName)} in duration ${quote(input)}`);
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (fracPart !== '') v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > max) throw new Error(`time: invalid duration ${quote(input)}`);
  }
  return Number(neg ? -total : total);
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Formats nanoseconds the way Go's Duration.String does for whole units: `1m30s`, `500ms`. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1_000) return `${sign}${n}ns`;
  if (n < 1_000_000) return `${sign}${n / 1_000}µs`;
  if (n < 1_000_000_000) return `${sign}${n / 1_000_000}ms`;
  let out = '';
  const h = Math.floor(n / 3_600_000_000_000);
  n -= h * 3_600_000_000_000;
  const m = Math.floor(n / 60_000_000_000);
  n -= m * 60_000_000_000;
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${n / 1_000_000_000}s`;
  return sign + out;
}
