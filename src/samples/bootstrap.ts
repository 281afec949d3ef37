/**
 * The percentile bootstrap every sample estimator shares (the k-NN and Pérez-Cruz estimators,
 * the count estimators, the binned drift measures): one option parser, one resampler, one
 * percentile rule and one interval shape. Resamples are counts, so that a statistic over points
 * or over category counts is computed on a resample without copying any data.
 *
 * @module
 */

import { binomial, RandomGenerator } from '../distributions/random.js';
import { ArgumentError, describe } from '../errors.js';
import { checkOptions, numberOption } from '../options.js';

/** Options of a percentile bootstrap (`bootstrap: { ... }` of the estimators, {@link bootstrapInterval}). */
export interface BootstrapOptions {
  /** Number of bootstrap replicates (default 1000), an integer from 2 to 1e7. */
  resamples?: number;
  /** Coverage of the interval (default 0.95), in (0, 1). */
  level?: number;
  /** Seed of the generator (default 0): the same seed gives the same interval. */
  seed?: number;
}

/**
 * A percentile bootstrap confidence interval. An end may be infinite: where the quantile falls
 * next to an infinite replicate (a resample with an empty bin makes a KL estimate +inf), the
 * end is that infinity, not its finite neighbour (see {@link bootstrapInterval}).
 */
export interface ConfidenceInterval {
  /** The `(1 - level) / 2` quantile of the replicates (NumPy's default linear interpolation). */
  lower: number;
  /** The `(1 + level) / 2` quantile of the replicates. */
  upper: number;
  level: number;
  resamples: number;
  /** Always `'percentile'` (Efron's percentile method). */
  method: 'percentile';
}

/** What {@link bootstrapInterval} returns. */
export interface BootstrapResult {
  ci: ConfidenceInterval;
  /**
   * The standard deviation of the replicates (denominator resamples - 1): the bootstrap estimate
   * of the statistic's standard error; +inf if a replicate is infinite.
   */
  standardError: number;
  /** The replicates in the order they were drawn. */
  replicates: Float64Array;
}

/**
 * One sample of {@link bootstrapInterval}: `n` observations (each resampled on its own), or the
 * counts of observations per category (a histogram: the resample is a multinomial draw of the
 * same total from the observed proportions, the same as resampling the observations).
 */
export type BootstrapSize = number | ArrayLike<number>;

/** Resampled counts are int32: the largest total a sample may have. */
const MAX_TOTAL = 2 ** 31 - 1;

/** @internal Resolved bootstrap options. */
export interface BootstrapSettings {
  resamples: number;
  level: number;
  seed: number;
}

/**
 * @internal Reads a `bootstrap` option (`true`, `false`, undefined or an options object); null
 * when no bootstrap is asked for. `prefix` names the option in messages (`'bootstrap.'`).
 */
export function bootstrapSettings(
  value: unknown,
  fn: string,
  prefix = 'bootstrap.',
): BootstrapSettings | null {
  if (value === undefined || value === false) return null;
  const opts =
    value === true ? {} : checkOptions<BootstrapOptions>(value, ['resamples', 'level', 'seed'], fn);
  const resamples = numberOption(
    opts.resamples,
    1000,
    fn,
    `${prefix}resamples`,
    (v) => Number.isInteger(v) && v >= 2 && v <= 1e7,
    'an integer from 2 to 1e7',
  );
  const level = numberOption(
    opts.level,
    0.95,
    fn,
    `${prefix}level`,
    (v) => v > 0 && v < 1,
    'in (0, 1)',
  );
  const seed = numberOption(
    opts.seed,
    0,
    fn,
    `${prefix}seed`,
    Number.isSafeInteger,
    'a safe integer',
  );
  return { resamples, level, seed };
}

/**
 * Percentile bootstrap interval of a statistic of one or more independent samples.
 *
 * Each replicate resamples every sample with replacement, independently, and calls
 * `statistic(counts, replicate)`: `counts[j][i]` is how many times observation i of sample j
 * was drawn (for a sample given as category counts, the resampled count of category i). Sample
 * sizes never change. The interval is the `(1 - level) / 2` and `(1 + level) / 2` quantiles
 * of the replicates (Efron's percentile method, NumPy's linear quantile); it covers the
 * statistic's sampling spread, not its bias.
 *
 * The generator is {@link RandomGenerator} seeded with `seed`: replicate r draws sample 0's
 * resample, then sample 1's, so a seed gives the same interval on every engine. The count
 * arrays are reused from one replicate to the next: copy them to keep them. A replicate may be
 * +-inf (a KL estimate can be); NaN is refused (`E_NON_FINITE`).
 *
 * Infinite replicates: the interpolation a + (b - a) t between an infinite replicate and a
 * finite one is taken at its limit, that infinity (NumPy would compute inf - inf = NaN), so an
 * interval end that falls next to an infinite replicate is infinite, and so is `standardError`.
 * An infinite replicate is a real outcome of resampling (a resample that left a bin of Q empty):
 * its finite neighbour in its place would claim an interval the replicates do not support.
 *
 * @param statistic - the statistic of a resample, given as counts.
 * @param sizes - per sample, its number of observations or its category counts.
 * @throws {ArgumentError} `E_INVALID_DATA` (statistic not a function, bad sizes or counts),
 *   `E_UNKNOWN_OPTION`, `E_OPTION_TYPE`, `E_OPTION_RANGE`, `E_NON_FINITE` (a NaN replicate).
 *
 * @example
 * ```ts
 * import { bootstrapInterval } from 'kldiv/samples';
 * const data = [2.1, 3.4, 1.9, 5.0, 4.2, 3.3, 2.8, 3.9];
 * // the mean of a resample, from how many times each observation was drawn
 * const mean = (counts: readonly Int32Array[]) =>
 *   counts[0].reduce((s, c, i) => s + c * data[i], 0) / data.length;
 * const { ci, standardError } = bootstrapInterval(mean, [data.length], { resamples: 2000, seed: 1 });
 * console.log(ci.lower < 3.325 && 3.325 < ci.upper, ci.level); // true 0.95
 * console.log(standardError > 0.2 && standardError < 0.5); // true
 * // a histogram resamples as a multinomial draw of its total
 * const share = bootstrapInterval((c) => c[0][0] / 50, [[20, 30]], { seed: 2 });
 * console.log(share.ci.lower < 0.4 && 0.4 < share.ci.upper); // true
 * ```
 */
export function bootstrapInterval(
  statistic: (counts: readonly Int32Array[], replicate: number) => number,
  sizes: readonly BootstrapSize[],
  options?: BootstrapOptions,
): BootstrapResult {
  const fn = 'bootstrapInterval';
  if (typeof statistic !== 'function') {
    throw new ArgumentError(
      `${fn}: argument 'statistic' must be a function; received ${describe(statistic)}.`,
      { code: 'E_INVALID_DATA', fn, argument: 'statistic', received: statistic },
    );
  }
  const settings = bootstrapSettings(options ?? {}, fn, '') as BootstrapSettings;
  const samples = readSizes(sizes, fn);
  return runBootstrap(settings, samples, statistic, fn);
}

/** @internal A sample to resample: n single observations, or category counts. */
export type ResampleSpec = { n: number } | { counts: Float64Array; total: number };

/** @internal Validates `sizes` into resampling specs. */
function readSizes(sizes: unknown, fn: string): ResampleSpec[] {
  const bad = (why: string, received: unknown): never => {
    throw new ArgumentError(`${fn}: argument 'sizes' ${why}; received ${describe(received)}.`, {
      code: 'E_INVALID_DATA',
      fn,
      argument: 'sizes',
      received,
    });
  };
  if (!Array.isArray(sizes) || sizes.length === 0) {
    return bad('must be a non-empty array of sample sizes or count arrays', sizes);
  }
  return sizes.map((s, j): ResampleSpec => {
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 1 || s > MAX_TOTAL) {
        bad(`entry ${j} must be an integer number of observations >= 1`, s);
      }
      return { n: s };
    }
    if (
      s === null ||
      typeof s !== 'object' ||
      typeof (s as ArrayLike<number>).length !== 'number'
    ) {
      return bad(`entry ${j} must be a number of observations or an array of category counts`, s);
    }
    const arr = s as ArrayLike<number>;
    const counts = new Float64Array(arr.length);
    let total = 0;
    for (let i = 0; i < arr.length; i++) {
      const c = arr[i];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
        bad(`entry ${j} must hold integer counts >= 0; index ${i} is ${describe(c)}, so`, s);
      }
      counts[i] = c;
      total += c;
    }
    if (total < 1 || total > MAX_TOTAL) {
      bad(`entry ${j} must hold counts with a total from 1 to 2^31 - 1`, s);
    }
    return { counts, total };
  });
}

/**
 * @internal A histogram to resample as a multinomial draw of its total: `counts` are integers
 * >= 0 with a positive total (the caller checked them); the total must fit an int32 count.
 */
export function histogramSample(
  counts: ArrayLike<number>,
  fn: string,
  argument: string,
): ResampleSpec {
  const copy = Float64Array.from(counts);
  const total = copy.reduce((s, v) => s + v, 0);
  if (total > MAX_TOTAL) {
    throw new ArgumentError(
      `${fn}: option 'bootstrap' resamples at most 2^31 - 1 observations per sample; argument '${argument}' has a total count of ${total}.`,
      { code: 'E_INVALID_DATA', fn, argument, received: total },
    );
  }
  return { counts: copy, total };
}

/** @internal The bootstrap loop: draws, calls, checks and summarises the replicates. */
export function runBootstrap(
  settings: BootstrapSettings,
  samples: readonly ResampleSpec[],
  statistic: (counts: readonly Int32Array[], replicate: number) => number,
  fn: string,
): BootstrapResult {
  const rng = new RandomGenerator(settings.seed);
  const counts = samples.map((s) => new Int32Array('n' in s ? s.n : s.counts.length));
  const replicates = new Float64Array(settings.resamples);
  for (let r = 0; r < settings.resamples; r++) {
    samples.forEach((s, j) => {
      resampleInto(rng, s, counts[j]);
    });
    const v = statistic(counts, r);
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ArgumentError(
        `${fn}: the statistic returned ${describe(v)} on bootstrap replicate ${r}; it must return a number that is not NaN.`,
        { code: 'E_NON_FINITE', fn, argument: 'statistic', received: v },
      );
    }
    replicates[r] = v;
  }
  const sorted = replicates.slice().sort();
  const alpha = 1 - settings.level;
  return {
    ci: {
      lower: sortedQuantile(sorted, alpha / 2),
      upper: sortedQuantile(sorted, 1 - alpha / 2),
      level: settings.level,
      resamples: settings.resamples,
      method: 'percentile',
    },
    standardError: standardDeviation(replicates),
    replicates,
  };
}

/** One resample of `spec` into `out`: uniform draws of n indices, or a multinomial of the counts. */
function resampleInto(rng: RandomGenerator, spec: ResampleSpec, out: Int32Array): void {
  out.fill(0);
  if ('n' in spec) {
    const n = spec.n;
    // 53 random bits: the bias of floor(u * n) is below n / 2^53
    for (let i = 0; i < n; i++) out[Math.floor(rng.random() * n)]++;
    return;
  }
  // conditional binomials: category i gets Binomial(left, c_i / (counts not yet visited))
  const { counts, total } = spec;
  let left = total;
  let rest = total;
  for (let i = 0; i < counts.length && left > 0; i++) {
    const c = counts[i];
    if (c === 0) continue;
    const draw = c === rest ? left : binomial(rng, left, c / rest);
    out[i] = draw;
    left -= draw;
    rest -= c;
  }
}

/**
 * @internal NumPy's default (linear) quantile of sorted values, with its `_lerp`; at an
 * infinite end, the limit of the interpolation (see {@link bootstrapInterval}). The binned
 * measures' quantile edges use it too.
 */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1];
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  if (a === b || t === 0) return a;
  // the limit of a + (b - a) t when an end is infinite (NumPy would compute inf - inf = NaN)
  if (a === Number.NEGATIVE_INFINITY) return b === Number.POSITIVE_INFINITY && t >= 0.5 ? b : a;
  if (b === Number.POSITIVE_INFINITY) return b;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

function standardDeviation(values: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return Number.POSITIVE_INFINITY;
    mean += values[i];
  }
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}
