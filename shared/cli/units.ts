import { InvalidArgumentError } from '../errors.ts';
import { formatFloat } from './gofmt.ts';

/**
 * Sizes and durations as docker prints and parses them (docker/go-units 0.4): the same
 * rounding (Go's `%.*g`, round-half-even on the exact value), the same unit names and
 * the same thresholds, so `1.98MB` and `About an hour` read as in docker.
 */

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scale(size: number, base: number, units: readonly string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]!];
}

/**
 * SI size with `precision` significant digits: `1.98MB`, `5.6kB`, `0B`, `999B`.
 * Precision 3 is what docker's list columns use (images, ps --size, system df);
 * go-units' own HumanSize is precision 4.
 */
export function humanSize(bytes: number, precision = 3): string {
  const [n, unit] = scale(bytes, 1000, DECIMAL);
  return formatFloat(n, 'g', precision) + unit;
}

/** Binary size with 4 significant digits: `44KiB`, `17.5MiB` (go-units BytesSize). */
export function bytesSize(bytes: number): string {
  const [n, unit] = scale(bytes, 1024, BINARY);
  return formatFloat(n, 'g', 4) + unit;
}

const SIZE = /^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

function parseSize(s: string, base: number): number {
  const m = SIZE.exec(s);
  if (!m) throw new InvalidArgumentError(`invalid size: '${s}'`);
  let size = Number(m[1]);
  if (Number.isNaN(size)) throw new InvalidArgumentError(`strconv.ParseFloat: parsing ${JSON.stringify(m[1])}: invalid syntax`);
  const prefix = (m[3] ?? '').toLowerCase();
  const power = 'kmgtp'.indexOf(prefix) + 1;
  if (prefix) size *= base ** power;
  return Math.trunc(size);
}

/** `512m`, `1.5g`, `100KiB` → bytes, binary multiples (go-units RAMInBytes; docker's --memory). */
export function ramInBytes(s: string): number {
  return parseSize(s, 1024);
}

/** `44kB`, `17MB` → bytes, decimal multiples (go-units FromHumanSize). */
export function fromHumanSize(s: string): number {
  return parseSize(s, 1000);
}

/**
 * go-units HumanDuration: `Less than a second`, `1 second`, `About a minute`,
 * `About an hour`, `3 days`, `2 weeks`, `5 months`, `2 years`. Takes milliseconds.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

// ---------------------------------------------------------------- Go durations

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * time.ParseDuration: `300ms`, `-1.5h`, `2h45m`; returns nanoseconds. Errors read like
 * Go's: `time: missing unit in duration "5"`.
 */
export function parseGoDuration(s: string): number {
  const orig = s;
  const invalid = (): InvalidArgumentError => new InvalidArgumentError(`time: invalid duration ${JSON.stringify(orig)}`);
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(\.(\d*))?/.exec(s)!;
    if (m[1] === '' && (m[3] ?? '') === '') throw invalid();
    const value = Number((m[1] || '0') + '.' + (m[3] || '0'));
    s = s.slice(m[0].length);
    const u = /^[^\d.]*/.exec(s)![0];
    if (u === '') throw new InvalidArgumentError(`time: missing unit in duration ${JSON.stringify(orig)}`);
    const mult = UNIT_NS[u];
    if (mult === undefined) throw new InvalidArgumentError(`time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(orig)}`);
    s = s.slice(u.length);
    total += value * mult;
  }
  if (total > 9223372036854775807) throw invalid();
  return Math.round(neg ? -total : total);
}

/** time.Duration.String(): `1h2m3s`, `1.5s`, `300ms`, `0s`. Takes nanoseconds. */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(Math.round(ns));
  const sign = neg ? '-' : '';
  if (u < 1e9) {
    // Sub-second: the largest unit that keeps a non-zero integer part.
    const [div, unit] = u < 1e3 ? [1, 'ns'] : u < 1e6 ? [1e3, 'µs'] : [1e6, 'ms'];
    return sign + trimFrac(u / div) + unit;
  }
  let out = '';
  const h = Math.floor(u / 3600e9);
  u -= h * 3600e9;
  const m = Math.floor(u / 60e9);
  u -= m * 60e9;
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += trimFrac(u / 1e9) + 's';
  return sign + out;
}

function trimFrac(x: number): string {
  return x.toFixed(9).replace(/\.?0+$/, '');
}
