/**
 * What the count-based estimators share: the checks of a count vector, additive smoothing, the
 * `base` option, compensated sums and the multinomial delta-method variance. Their bootstrap is bootstrap.ts's, as for every estimator.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { numberOption } from '../options.js';
import { toTensor } from '../tensor/tensor.js';

/**
 * Additive smoothing: `'laplace'` adds 1 to every bin, `'jeffreys'` adds 0.5 (the Jeffreys
 * prior's Krichevsky-Trofimov estimate), a number adds that pseudo-count, `'none'` (default)
 * adds nothing.
 */
export type Smoothing = 'none' | 'laplace' | 'jeffreys' | number;

/** Bias correction of the count estimators: `'miller-madow'` or `'none'` (default). */
export type CountsCorrection = 'none' | 'miller-madow';

/**
 * @internal A count vector as float64: a 1-D Tensor, array or typed array (anything `tensor()`
 * reads) of finite numbers >= 0, at least one, with a positive total. Non-integer counts are
 * accepted as weights.
 */
export function checkCounts(value: unknown, fn: string, argument: string): Float64Array {
  const t = toTensor(value, fn, argument, { dtype: 'float64' });
  if (t.shape.length !== 1 || t.shape[0] === 0) {
    throw new ShapeError(
      `${fn}: argument '${argument}' must be 1-D with at least one bin; received shape ${formatShape(t.shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: t.shape },
    );
  }
  const counts = t.data as Float64Array;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const x = counts[i];
    if (!Number.isFinite(x)) {
      throw new ArgumentError(
        `${fn}: argument '${argument}' holds ${describe(x)} at index ${i}; counts must be finite.`,
        { code: 'E_NON_FINITE', fn, argument, received: x },
      );
    }
    if (x < 0) {
      throw new ArgumentError(
        `${fn}: argument '${argument}' holds ${describe(x)} at index ${i}; counts must be >= 0.`,
        { code: 'E_INVALID_DATA', fn, argument, received: x },
      );
    }
    total += x;
  }
  if (!(total > 0)) {
    throw new ArgumentError(
      `${fn}: argument '${argument}' must have a positive total count; received all zeros.`,
      { code: 'E_INVALID_DATA', fn, argument, received: value },
    );
  }
  return counts;
}

/**
 * @internal Throws unless every count is an integer: the corrections and the bootstrap depend
 * on the number of observations, which weights do not give.
 */
export function requireIntegerCounts(
  counts: Float64Array,
  fn: string,
  argument: string,
  option: string,
): void {
  const i = counts.findIndex((v) => !Number.isInteger(v));
  if (i < 0) return;
  throw new ArgumentError(
    `${fn}: option '${option}' needs integer counts (it depends on the number of observations); argument '${argument}' holds ${describe(counts[i])} at index ${i}.`,
    { code: 'E_INVALID_DATA', fn, argument, received: counts[i] },
  );
}

/** @internal The pseudo-count a `smoothing` option adds to every bin. */
export function pseudoCount(value: unknown, fn: string): number {
  if (value === undefined || value === 'none') return 0;
  if (value === 'laplace') return 1;
  if (value === 'jeffreys') return 0.5;
  if (typeof value === 'string') {
    throw new ArgumentError(
      `${fn}: option 'smoothing' must be 'none', 'laplace', 'jeffreys' or a pseudo-count >= 0; received ${describe(value)}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'smoothing', received: value },
    );
  }
  return numberOption(
    value,
    0,
    fn,
    'smoothing',
    (v) => v >= 0 && Number.isFinite(v),
    "'none', 'laplace', 'jeffreys' or a finite pseudo-count >= 0",
  );
}

/** @internal The `correction` option; a correction with smoothing is refused. */
export function correctionOption(value: unknown, alpha: number, fn: string): CountsCorrection {
  if (value === undefined || value === 'none') return 'none';
  if (value !== 'miller-madow') {
    throw new ArgumentError(
      `${fn}: option 'correction' must be 'none' or 'miller-madow'; received ${describe(value)}.`,
      {
        code: typeof value === 'string' ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
        fn,
        argument: 'correction',
        received: value,
      },
    );
  }
  if (alpha > 0) {
    // the corrections are the bias of the unsmoothed plug-in; smoothing has a bias of its own
    throw new ArgumentError(
      `${fn}: option 'correction' must be 'none' when 'smoothing' adds a pseudo-count (the correction is derived for the unsmoothed plug-in); received 'miller-madow' with pseudo-count ${alpha}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'correction', received: value },
    );
  }
  return value;
}

/** @internal ln(base) for the `base` option (1 when undefined: nats), SciPy's rule plus finiteness. */
export function logBase(value: unknown, fn: string): number {
  const base = numberOption(
    value,
    undefined,
    fn,
    'base',
    (v) => v > 0 && v !== 1 && Number.isFinite(v),
    'a finite number > 0 other than 1',
  );
  return base === undefined ? 1 : Math.log(base);
}

/** @internal Running sum with Neumaier's compensation: the order of the bins does not matter. */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    // an infinite term makes the compensation NaN; the sum itself is then the answer
    return Number.isFinite(this.s) ? this.s + this.c : this.s;
  }
}

/** @internal True when every count is an integer: a number of observations, not a weight. */
export function integerCounts(counts: ArrayLike<number>): boolean {
  for (let i = 0; i < counts.length; i++) if (!Number.isInteger(counts[i])) return false;
  return true;
}

/**
 * @internal The multinomial part of a delta-method variance: sum_i w_i (g_i - gbar)^2, with
 * gbar = sum_i w_i g_i and proportions w summing to 1. Cov(p^) = (diag p - p p^T) / n for the
 * proportions p^ of n multinomial draws, so a smooth statistic T(p^) whose derivative in bin i
 * is g_i has Var T(p^) ~ this / n (the delta method). Bins with w_i = 0 are skipped: every
 * caller's w_i g_i^2 tends to 0 there. Two passes, so the result is >= 0 and free of the
 * cancellation of sum w g^2 - gbar^2.
 */
export function multinomialVariance(w: ArrayLike<number>, g: (i: number) => number): number {
  // shifted by the first weighted g, so that a constant g gives exactly 0 (the variance of a
  // stationary point), not the rounding of w's sum
  let shift = Number.NaN;
  const mean = new CompensatedSum();
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] > 0)) continue;
    if (Number.isNaN(shift)) shift = g(i);
    mean.add(w[i] * (g(i) - shift));
  }
  const gbar = mean.value;
  const sum = new CompensatedSum();
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0) {
      const d = g(i) - shift - gbar;
      sum.add(w[i] * d * d);
    }
  }
  return sum.value;
}

/**
 * @internal Pearson's chi-square divergence sum_{q_i > 0} (p_i - q_i)^2 / q_i of proportions:
 * multinomialVariance(q, i => p_i / q_i) when P has no mass where Q has none (the mean of p/q
 * under q is then exactly 1), written so that it is exactly 0 at p = q.
 */
export function chiSquareDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < p.length; i++) {
    if (q[i] > 0) {
      const d = p[i] - q[i];
      sum.add((d * d) / q[i]);
    }
  }
  return sum.value;
}
