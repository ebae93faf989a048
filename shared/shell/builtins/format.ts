/**
 * C-style number formatting for printf: integers with flags, width and precision,
 * and %f/%e/%g rendered from the exact binary value of the double with
 * round-half-even, as glibc does (so printf "%.0f" 2.5 gives 2).
 */

export interface Spec {
  flags: string;
  width: number | null;
  precision: number | null;
  conv: string;
}

function pad(s: string, spec: Spec, zeroOk: boolean): string {
  const w = spec.width ?? 0;
  if (s.length >= w) return s;
  if (spec.flags.includes('-')) return s + ' '.repeat(w - s.length);
  if (zeroOk && spec.flags.includes('0')) {
    const m = /^([+\- ]|0[xX])?/.exec(s)!;
    const sign = m[0];
    return sign + '0'.repeat(w - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(w - s.length) + s;
}

/** %d %i %o %u %x %X on a 64-bit value. */
export function formatInt(v: bigint, spec: Spec): string {
  const c = spec.conv;
  let neg = false;
  let mag: bigint;
  if (c === 'd' || c === 'i') {
    v = BigInt.asIntN(64, v);
    neg = v < 0n;
    mag = neg ? -v : v;
  } else {
    mag = BigInt.asUintN(64, v);
  }
  let digits = mag.toString(c === 'o' ? 8 : c === 'x' || c === 'X' ? 16 : 10);
  if (c === 'X') digits = digits.toUpperCase();
  if (spec.precision !== null) {
    if (spec.precision === 0 && mag === 0n) digits = '';
    digits = digits.padStart(spec.precision, '0');
  }
  let prefix = '';
  if (c === 'd' || c === 'i') prefix = neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (spec.flags.includes('#')) {
    if (c === 'o' && !digits.startsWith('0')) digits = '0' + digits;
    if ((c === 'x' || c === 'X') && mag !== 0n) prefix = c === 'x' ? '0x' : '0X';
  }
  return pad(prefix + digits, spec, spec.precision === null);
}

/** The double as mantissa * 2^exp (mantissa >= 0). */
function decompose(x: number): { mant: bigint; exp: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: e - 1075 };
}

/** round(|x| * 10^scale) with ties to even, exactly. */
function scaledRound(x: number, scale: number): bigint {
  const { mant, exp } = decompose(x);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

function fixedDigits(x: number, prec: number): string {
  const n = scaledRound(x, prec).toString().padStart(prec + 1, '0');
  return prec > 0 ? n.slice(0, n.length - prec) + '.' + n.slice(n.length - prec) : n;
}

/** Mantissa digits (prec+1 of them) and decimal exponent of |x| in %e form. */
function expDigits(x: number, prec: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(prec + 1), exp: 0 };
  let e = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const n = scaledRound(x, prec - e);
    const s = n.toString();
    if (s.length > prec + 1) {
      e++;
      continue;
    }
    if (s.length < prec + 1) {
      e--;
      continue;
    }
    return { digits: s, exp: e };
  }
}

function expString(digits: string, exp: number, upper: boolean, alt: boolean): string {
  const m = digits.length > 1 || alt ? digits[0] + '.' + digits.slice(1) : digits;
  const es = (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return m + (upper ? 'E' : 'e') + es;
}

/** %f %e %E %g %G. */
export function formatFloat(x: number, spec: Spec): string {
  const c = spec.conv;
  const upper = c === 'E' || c === 'G';
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    return pad((Number.isNaN(x) ? (spec.flags.includes('+') ? '+' : '') : sign) + (upper ? t.toUpperCase() : t), spec, false);
  }
  const alt = spec.flags.includes('#');
  let prec = spec.precision ?? 6;
  let body: string;
  if (c === 'f') {
    body = fixedDigits(x, prec);
    if (alt && prec === 0) body += '.';
  } else if (c === 'e' || c === 'E') {
    const { digits, exp } = expDigits(x, prec);
    body = expString(digits, exp, upper, alt);
  } else {
    if (prec === 0) prec = 1;
    const { exp } = expDigits(x, prec - 1);
    if (exp < prec && exp >= -4) {
      body = fixedDigits(x, prec - 1 - exp);
      if (!alt && body.includes('.')) body = body.replace(/\.?0+$/, '');
    } else {
      const { digits, exp: e2 } = expDigits(x, prec - 1);
      let d = digits;
      if (!alt) d = d.replace(/0+$/, '') || '0';
      body = expString(d, e2, upper, alt);
    }
  }
  return pad(sign + body, spec, true);
}
