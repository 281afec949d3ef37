/**
 * Python's float formatting (`'{:.4f}'`, `'{:.4e}'`), exactly: correctly rounded from the
 * double's exact binary value, ties to even. JavaScript's `toFixed`/`toExponential` round ties
 * away from zero (`(0.03125).toFixed(4)` is `'0.0313'`, Python prints `'0.0312'`), so PyTorch's
 * printing cannot be built on them.
 *
 * @module
 */

const view = new DataView(new ArrayBuffer(8));

/** Exact decimal value of a finite, non-zero |x|: `|x| = digits * 10^exp10`. */
function exactDecimal(x: number): { digits: bigint; exp10: number } {
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biased === 0) {
    exp2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  if (exp2 >= 0) return { digits: mantissa << BigInt(exp2), exp10: 0 };
  // m * 2^-k = m * 5^k / 10^k
  return { digits: mantissa * 5n ** BigInt(-exp2), exp10: exp2 };
}

/** `n / 10^shift`, rounded half to even. */
function roundShift(n: bigint, shift: number): bigint {
  if (shift <= 0) return n * 10n ** BigInt(-shift);
  const d = 10n ** BigInt(shift);
  const q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) return q + 1n;
  return q;
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return undefined;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python `format(x, '.{precision}f')`. */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  let body: string;
  if (x === 0) {
    body = precision > 0 ? `0.${'0'.repeat(precision)}` : '0';
  } else {
    const { digits, exp10 } = exactDecimal(x);
    const scaled = roundShift(digits, -(exp10 + precision)).toString();
    if (precision === 0) {
      body = scaled;
    } else {
      const padded = scaled.padStart(precision + 1, '0');
      body = `${padded.slice(0, -precision)}.${padded.slice(-precision)}`;
    }
  }
  return sign(x) + body;
}

/** Python `format(x, '.{precision}e')`: at least two exponent digits, `e+05`, `e-08`. */
export function formatExponential(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  let mantissa: string;
  let exponent = 0;
  if (x === 0) {
    mantissa = '0'.repeat(precision + 1);
  } else {
    const { digits, exp10 } = exactDecimal(x);
    const length = digits.toString().length;
    let rounded = roundShift(digits, length - (precision + 1));
    exponent = length - 1 + exp10;
    if (rounded.toString().length > precision + 1) {
      rounded /= 10n;
      exponent += 1;
    }
    mantissa = rounded.toString();
  }
  const head = precision > 0 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
  const e = Math.abs(exponent).toString().padStart(2, '0');
  return `${sign(x)}${head}e${exponent < 0 ? '-' : '+'}${e}`;
}
