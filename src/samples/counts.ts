/**
 * What the count-based estimators share: the checks of a count vector, additive smoothing, the
 * `base` option, and the multinomial bootstrap with its percentile interval.
 *
 * @module
 */

import { binomial, RandomGenerator } from '../distributions/random.js';
import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { checkOptions, numberOption } from '../options.js';
import { toTensor } from '../tensor/tensor.js';

/**
 * Additive smoothing: `'laplace'` adds 1 to every bin, `'jeffreys'` adds 0.5 (the Jeffreys
 * prior's Krichevsky-Trofimov estimate), a number adds that pseudo-count, `'none'` (default)
 * adds nothing.
 */
export type Smoothing = 'none' | 'laplace' | 'jeffreys' | number;

/** Bias correction of the count estimators: `'miller-madow'` or `'none'` (default). */
export type CountsCorrection = 'none' | 'miller-madow';

/** Options of the bootstrap confidence interval (`bootstrap: true` takes every default). */
export interface CountsBootstrapOptions {
  /** Number of bootstrap replicates (default 1000), an integer >= 2. */
  resamples?: number;
  /** Coverage of the interval (default 0.95), in (0, 1). */
  level?: number;
  /** Seed of the generator (default 0): the same seed gives the same interval. */
  seed?: number;
}

/** A percentile bootstrap confidence interval. */
export interface CountsConfidenceInterval {
  /** The `(1 - level) / 2` quantile of the replicates (NumPy's default linear interpolation). */
  lower: number;
  /** The `(1 + level) / 2` quantile of the replicates. */
  upper: number;
  level: number;
  resamples: number;
  /** Always `'percentile'`: resampled counts are multinomial draws from the observed proportions. */
  method: 'percentile';
}

/** @internal Resolved bootstrap options. */
export interface BootstrapSettings {
  resamples: number;
  level: number;
  seed: number;
}

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

/** @internal The `bootstrap` option resolved, or null when no interval is asked for. */
export function bootstrapSettings(value: unknown, fn: string): BootstrapSettings | null {
  if (value === undefined || value === false) return null;
  const opts =
    value === true
      ? {}
      : checkOptions<CountsBootstrapOptions>(value, ['resamples', 'level', 'seed'], fn);
  const resamples = numberOption(
    opts.resamples,
    1000,
    fn,
    'bootstrap.resamples',
    (v) => Number.isInteger(v) && v >= 2 && v <= 1e7,
    'an integer from 2 to 1e7',
  );
  const level = numberOption(
    opts.level,
    0.95,
    fn,
    'bootstrap.level',
    (v) => v > 0 && v < 1,
    'in (0, 1)',
  );
  const seed = numberOption(
    opts.seed,
    0,
    fn,
    'bootstrap.seed',
    Number.isSafeInteger,
    'a safe integer',
  );
  return { resamples, level, seed };
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

/**
 * @internal One multinomial draw of `total` observations over `probs` (summing to 1) into
 * `out`, by conditional binomials: bin i gets Binomial(left, p_i / (mass left)).
 */
export function multinomialInto(
  rng: RandomGenerator,
  total: number,
  probs: Float64Array,
  out: Float64Array,
): void {
  let last = probs.length - 1;
  while (last > 0 && probs[last] === 0) last--;
  let left = total;
  let mass = 1;
  for (let i = 0; i < probs.length; i++) {
    if (left === 0 || probs[i] === 0 || i > last) {
      out[i] = 0;
    } else if (i === last) {
      out[i] = left; // what rounding left of the mass belongs to the last possible bin
      left = 0;
    } else {
      const x = binomial(rng, left, Math.min(1, probs[i] / mass));
      out[i] = x;
      left -= x;
    }
    mass -= probs[i];
  }
}

/** @internal NumPy's default (linear) quantile of sorted values, its `_lerp` included. */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1];
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  if (a === b || t === 0) return a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return t > 0 ? b : a; // avoid inf - inf
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * @internal Percentile bootstrap: `statistic(rng)` draws one resample and returns its value;
 * the interval is the quantiles of the replicates at (1 -/+ level) / 2.
 */
export function percentileBootstrap(
  settings: BootstrapSettings,
  statistic: (rng: RandomGenerator) => number,
): CountsConfidenceInterval {
  const rng = new RandomGenerator(settings.seed);
  const values = new Float64Array(settings.resamples);
  for (let r = 0; r < settings.resamples; r++) values[r] = statistic(rng);
  values.sort();
  const alpha = 1 - settings.level;
  return {
    lower: sortedQuantile(values, alpha / 2),
    upper: sortedQuantile(values, 1 - alpha / 2),
    level: settings.level,
    resamples: settings.resamples,
    method: 'percentile',
  };
}
