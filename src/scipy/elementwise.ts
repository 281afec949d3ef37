/**
 * SciPy's elementwise divergences, `scipy.special.rel_entr`, `kl_div` and `entr`, exactly as
 * SciPy's C implementations branch.
 *
 * @module
 */

/** `rel_entr(x, y)`: x log(x / y) for x, y > 0; 0 for x = 0, y >= 0; +inf otherwise; NaN in, NaN out. */
export function relEntrPoint(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/** `kl_div(x, y)`: x log(x / y) - x + y for x, y > 0; y for x = 0, y >= 0; +inf otherwise. */
export function klDivPoint(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y) - x + y;
  if (x === 0 && y >= 0) return y;
  return Number.POSITIVE_INFINITY;
}

/** `entr(x)`: -x log x for x > 0; 0 for x = 0; -inf for x < 0. */
export function entrPoint(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 0) return -x * Math.log(x);
  if (x === 0) return 0;
  return Number.NEGATIVE_INFINITY;
}
