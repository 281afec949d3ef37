/** How plots print a KL or Δp value in a label: short, never NaN. */

/**
 * Three significant digits, plain between 0.001 and 10 000 and in exponent form outside
 * (`1.23e-5`), `0` for zero and `∞` for an infinite value.
 */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  if (v === Number.POSITIVE_INFINITY) return '∞';
  if (v === Number.NEGATIVE_INFINITY) return '-∞';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v
    .toExponential(2)
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

/** 10^k as an axis label: `1`, `10`, `0.1`, `0.01`, or `1e-6` beyond two decades. */
export function formatPower(k: number): string {
  return k >= -2 && k <= 3 ? String(10 ** k) : `1e${k}`;
}

/** `1 token`, `2000 tokens`. */
export const tokens = (n: number): string => `${n} token${n === 1 ? '' : 's'}`;
