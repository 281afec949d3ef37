/**
 * Shannon entropy of an empirical (histogram) distribution from its counts.
 *
 * @module
 */

import { checkOptions } from '../options.js';
import { entrPoint } from '../scipy/elementwise.js';
import type { TensorLike } from '../tensor/tensor.js';
import {
  type BootstrapOptions,
  bootstrapSettings,
  type ConfidenceInterval,
  histogramSample,
  runBootstrap,
} from './bootstrap.js';
import {
  CompensatedSum,
  type CountsCorrection,
  checkCounts,
  correctionOption,
  integerCounts,
  logBase,
  multinomialVariance,
  pseudoCount,
  requireIntegerCounts,
  type Smoothing,
} from './counts.js';

/** Options of {@link entropyFromCounts}. */
export interface EntropyFromCountsOptions {
  /** Pseudo-count added to every bin (default `'none'`). */
  smoothing?: Smoothing;
  /** `'miller-madow'`: add (K^ - 1) / (2n), the plug-in's first-order bias (integer counts, no smoothing). */
  correction?: CountsCorrection;
  /** Logarithm base (default e, nats); 2 gives bits. */
  base?: number;
  /** A percentile bootstrap interval from multinomial resamples of the counts. */
  bootstrap?: boolean | BootstrapOptions;
}

/** What {@link entropyFromCounts} returns. */
export interface EntropyFromCountsResult {
  /** The estimate of H(P): the plug-in minus `bias`. */
  estimate: number;
  /** The plug-in entropy of the (smoothed) empirical distribution, `scipy.stats.entropy(counts)`. */
  plugin: number;
  /** The estimated bias E[plugin] - H removed by the correction: -(K^ - 1)/(2n), or 0 without. */
  bias: number;
  /** Total of `counts`, before smoothing. */
  n: number;
  /** Number of bins. */
  bins: number;
  /** The pseudo-count added to every bin. */
  pseudoCount: number;
  /**
   * The delta-method standard error of `estimate` (and of `plugin`), without resampling:
   * sqrt((sum_i p_i ln^2 p_i - H^2) / n) / |ln base| at the (smoothed) proportions p, n the
   * total before smoothing (Basharin 1959). 0 at a uniform histogram, where the delta method
   * degenerates; NaN for non-integer counts. See {@link entropyFromCounts}.
   */
  asymptoticStandardError: number;
  /** With `bootstrap`: the percentile interval of `estimate`. */
  ci?: ConfidenceInterval;
  /** With `bootstrap`: the standard deviation of the replicates. */
  standardError?: number;
}

function estimateEntropy(
  counts: ArrayLike<number>,
  alpha: number,
  correct: boolean,
  lnBase: number,
): { plugin: number; bias: number; estimate: number } {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i] + alpha;
  const sum = new CompensatedSum();
  let observed = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    sum.add(entrPoint((c + alpha) / n));
    if (c > 0) observed++;
  }
  const plugin = sum.value / lnBase;
  if (!correct) return { plugin, bias: 0, estimate: plugin };
  // Miller (1955): E[plug-in] - H ~ -(K - 1) / (2n), K estimated by the bins observed
  const bias = -(observed - 1) / (2 * n) / lnBase;
  return { plugin, bias, estimate: plugin - bias };
}

/**
 * The delta-method standard error of the plug-in entropy (Basharin 1959): dH/dp_i = -(ln p_i + 1),
 * so Var H^ ~ (sum p ln^2 p - H^2) / n = sum_i p_i (ln p_i + H)^2 / n, at the smoothed
 * proportions (c_i + alpha) / (n + K alpha) with n the real count total.
 */
function entropyStandardError(counts: Float64Array, alpha: number, lnBase: number): number {
  if (!integerCounts(counts)) return Number.NaN;
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  const total = n + alpha * counts.length;
  const p = counts.map((c) => (c + alpha) / total);
  const variance = multinomialVariance(p, (i) => Math.log(p[i]));
  return Math.sqrt(variance / n) / Math.abs(lnBase);
}

/**
 * Shannon entropy H(P) = -sum p_i log p_i from a histogram: the plug-in estimate, the entropy of
 * the empirical distribution `counts / n` (the result of `scipy.stats.entropy(counts)`), with
 * optional additive smoothing, the Miller-Madow correction and a bootstrap interval.
 *
 * - The plug-in underestimates: E[plug-in] - H ~ -(K - 1)/(2n) for K bins with mass (Miller,
 *   "Note on the bias of information estimates", 1955; Paninski, Neural Computation 15, 2003).
 *   `correction: 'miller-madow'` adds (K^ - 1)/(2n), K^ the bins observed, which removes most
 *   of the bias once n is a few times K.
 * - Smoothing (`'laplace'`: +1, `'jeffreys'`: +0.5, or a pseudo-count, added to every bin) is the
 *   plug-in of a Dirichlet posterior mean; it cannot be combined with the correction.
 * - The correction and the bootstrap need integer counts; otherwise counts may be weights.
 * - `bootstrap` resamples the counts as multinomial draws from the observed proportions
 *   (seeded, default 1000 resamples) and returns the percentile interval of `estimate` and its
 *   bootstrap standard error.
 * - `asymptoticStandardError` needs no resampling: the delta method gives the plug-in's variance
 *   Var H^ ~ (sum_i p_i ln^2 p_i - H^2) / n (Basharin, "On a statistical estimate for the
 *   entropy of a sequence of independent random variables", Theory Probab. Appl. 4(3), 1959),
 *   evaluated at the empirical proportions and divided by |ln base|. Miller-Madow adds a
 *   constant to first order, so its standard error is the same. With smoothing it is evaluated
 *   at the smoothed proportions, n still the real count total (the shrinkage factor
 *   n / (n + K alpha) of the smoothed proportions is left out, a relative difference of
 *   K alpha / n). Where the entropy is stationary (a uniform distribution, or a single bin)
 *   the first-order variance is 0 while the real spread is O(1/n): 2n (ln K - plug-in) tends to
 *   chi-square(K - 1) there, and the formula reports the delta method's 0 (a uniform
 *   histogram) or a value of the wrong order near it; use the bootstrap. NaN for non-integer
 *   counts, which carry no number of observations.
 *
 * @example
 * ```ts
 * import { entropyFromCounts } from 'kldiv/samples';
 * console.log(entropyFromCounts([5, 5]).estimate); // 0.6931471805599453
 * console.log(entropyFromCounts([5, 5], { base: 2 }).estimate); // 1
 * const h = entropyFromCounts([4, 3, 2, 1], { correction: 'miller-madow' });
 * console.log(h.plugin.toFixed(4), h.estimate.toFixed(4)); // 1.2799 1.4299
 * // delta method: sqrt((sum p ln^2 p - H^2) / n), the same with the correction
 * console.log(h.asymptoticStandardError.toFixed(4)); // 0.1345
 * ```
 * @throws ArgumentError `E_INVALID_DATA` (not an array of numbers, a negative count, all zeros,
 * non-integer counts with `correction` or `bootstrap`), `E_NON_FINITE` (NaN or infinity),
 * `E_OPTION_TYPE` / `E_OPTION_RANGE` / `E_UNKNOWN_OPTION` (options).
 * @throws ShapeError `E_INVALID_SHAPE` (no bins).
 */
export function entropyFromCounts(
  counts: TensorLike,
  options?: EntropyFromCountsOptions,
): EntropyFromCountsResult {
  const fn = 'entropyFromCounts';
  const opts = checkOptions<EntropyFromCountsOptions>(
    options,
    ['smoothing', 'correction', 'base', 'bootstrap'],
    fn,
  );
  const c = checkCounts(counts, fn, 'counts');
  const alpha = pseudoCount(opts.smoothing, fn);
  const correct = correctionOption(opts.correction, alpha, fn) === 'miller-madow';
  const lnBase = logBase(opts.base, fn);
  const boot = bootstrapSettings(opts.bootstrap, fn);
  if (correct) requireIntegerCounts(c, fn, 'counts', 'correction');
  if (boot !== null) requireIntegerCounts(c, fn, 'counts', 'bootstrap');
  const n = c.reduce((s, v) => s + v, 0);
  const { estimate, plugin, bias } = estimateEntropy(c, alpha, correct, lnBase);
  const result: EntropyFromCountsResult = {
    estimate,
    plugin,
    bias,
    n,
    bins: c.length,
    pseudoCount: alpha,
    asymptoticStandardError: entropyStandardError(c, alpha, lnBase),
  };
  if (boot !== null) {
    const b = runBootstrap(
      boot,
      [histogramSample(c, fn, 'counts')],
      ([resample]) => estimateEntropy(resample, alpha, correct, lnBase).estimate,
      fn,
    );
    result.ci = b.ci;
    result.standardError = b.standardError;
  }
  return result;
}
