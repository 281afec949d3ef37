/**
 * Drift measures between a reference sample and a current one, on binned or categorical values,
 * as data-monitoring tools compute them: KL, Jensen-Shannon, PSI and Hellinger.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { checkOptions, numberOption } from '../options.js';
import type { TensorLike } from '../tensor/tensor.js';
import { measureOf, measureStandardError } from './binned-measures.js';
import {
  type BinsOption,
  categoricalCounts,
  checkEdges,
  checkValues,
  equalWidthEdges,
  fdEdges,
  histogram,
  MAX_BINS,
  quantileEdges,
} from './bins.js';
import {
  type BootstrapOptions,
  bootstrapSettings,
  type ConfidenceInterval,
  histogramSample,
  runBootstrap,
} from './bootstrap.js';
import { logBase } from './counts.js';

/** The drift measures of {@link binnedDivergence}. */
export type BinnedMeasure = 'kl' | 'js' | 'psi' | 'hellinger';

/** Options of {@link binnedDivergence}. */
export interface BinnedDivergenceOptions {
  /** The measure (required): `'kl'`, `'js'`, `'psi'` or `'hellinger'`. */
  measure: BinnedMeasure;
  /** Numeric data only (default 10): see {@link BinsOption}. */
  bins?: BinsOption;
  /** With `bins: 'quantile'`: the number of quantile bins before ties merge (default 10). */
  numBins?: number;
  /**
   * `'psi'` and `'kl'` only: zero proportions are replaced by `epsilon`, in [0, 1). Default 1e-4
   * for `'psi'`, 0 (none: an empty bin can make the value infinite) for `'kl'`.
   */
  epsilon?: number;
  /** `'kl'` and `'js'` only: logarithm base (default e, nats). */
  base?: number;
  /** A percentile bootstrap interval of `value`, the bins held fixed. */
  bootstrap?: boolean | BootstrapOptions;
}

/** What {@link binnedDivergence} returns. */
export interface BinnedDivergenceResult {
  /** The measure's value; for `'js'` the Jensen-Shannon distance (SciPy's `jensenshannon`). */
  value: number;
  measure: BinnedMeasure;
  /** `'js'` only: the Jensen-Shannon divergence, `value` squared. */
  divergence?: number;
  /** Number of bins. */
  bins: number;
  /** Numeric data: the bin edges (the first bin reaches down to -inf, the last up to +inf). */
  edges?: number[];
  /** Categorical data: the categories, in the order of the counts. */
  categories?: string[];
  referenceCounts: number[];
  currentCounts: number[];
  /** The epsilon that replaced zero proportions (0: none). */
  epsilon: number;
  /** `'kl'` and `'psi'` without epsilon: the bins that make the value infinite. */
  infiniteBins: number[];
  /**
   * The delta-method standard error of `value` (for `'js'`, of the distance), without
   * resampling; Infinity when `value` is, NaN when `epsilon` changed the value. The formulas
   * and where they degenerate are in {@link binnedDivergence}.
   */
  asymptoticStandardError: number;
  /** With `bootstrap`: the percentile interval of `value`. */
  ci?: ConfidenceInterval;
  /** With `bootstrap`: the standard deviation of the replicates (+inf if one is infinite). */
  standardError?: number;
}

const MEASURES: readonly BinnedMeasure[] = ['kl', 'js', 'psi', 'hellinger'];

function optionsOf(options: unknown, fn: string) {
  const opts = checkOptions<BinnedDivergenceOptions>(
    options,
    ['measure', 'bins', 'numBins', 'epsilon', 'base', 'bootstrap'],
    fn,
  );
  const measure = opts.measure as BinnedMeasure;
  if (!MEASURES.includes(measure)) {
    throw new ArgumentError(
      `${fn}: option 'measure' must be one of 'kl' | 'js' | 'psi' | 'hellinger'; received ${describe(measure)}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'measure', received: measure },
    );
  }
  const onlyFor = (name: string, measures: string) =>
    new ArgumentError(
      `${fn}: option '${name}' applies to measure ${measures} only; received ${describe((opts as Record<string, unknown>)[name])} with measure '${measure}'.`,
      {
        code: 'E_OPTION_RANGE',
        fn,
        argument: name,
        received: (opts as Record<string, unknown>)[name],
      },
    );
  if (opts.epsilon !== undefined && measure !== 'kl' && measure !== 'psi') {
    throw onlyFor('epsilon', "'kl' or 'psi'");
  }
  if (opts.base !== undefined && measure !== 'kl' && measure !== 'js') {
    throw onlyFor('base', "'kl' or 'js'");
  }
  const epsilon = numberOption(
    opts.epsilon,
    measure === 'psi' ? 1e-4 : 0,
    fn,
    'epsilon',
    (v) => v >= 0 && v < 1,
    'a number in [0, 1)',
  );
  return {
    measure,
    epsilon,
    lnBase: logBase(opts.base, fn),
    boot: bootstrapSettings(opts.bootstrap, fn),
    bins: opts.bins,
    numBins: opts.numBins,
  };
}

function numericEdges(
  sorted: Float64Array,
  bins: unknown,
  numBins: unknown,
  fn: string,
): Float64Array {
  if (numBins !== undefined && bins !== 'quantile') {
    throw new ArgumentError(
      `${fn}: option 'numBins' applies to bins 'quantile' only; received ${describe(numBins)} with bins ${describe(bins)}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'numBins', received: numBins },
    );
  }
  const count = (value: unknown, name: string) =>
    numberOption(
      value,
      10,
      fn,
      name,
      (v) => Number.isInteger(v) && v >= 1 && v <= MAX_BINS,
      `an integer from 1 to ${MAX_BINS}`,
    );
  if (bins === undefined || typeof bins === 'number') {
    return equalWidthEdges(sorted, count(bins, 'bins'));
  }
  if (bins === 'quantile') return quantileEdges(sorted, count(numBins, 'numBins'));
  if (bins === 'fd') return fdEdges(sorted, fn);
  return checkEdges(bins, fn);
}

/**
 * A drift measure between a `reference` sample and a `current` one, computed on the proportions
 * of their values in shared bins, as data-monitoring tools (Evidently's stattests, for one) do:
 *
 * - `'kl'`: KL(reference || current) = sum r log(r / c), as Evidently's `kl_div`
 *   (`scipy.stats.entropy(reference, current)`); Infinity where c = 0 < r, unless `epsilon`.
 * - `'js'`: the Jensen-Shannon distance, SciPy's `jensenshannon(r, c)` (at most sqrt(ln 2), 1 in
 *   base 2), and `divergence`, its square; finite on empty bins.
 * - `'psi'`: the population stability index sum (c - r) ln(c / r); zero proportions become
 *   `epsilon` (default 1e-4).
 * - `'hellinger'`: sqrt(sum (sqrt r - sqrt c)^2 / 2), in [0, 1]; finite on empty bins.
 *
 * r and c are the reference and current proportions per bin.
 *
 * - Numeric data (numbers): `bins` is a number of equal-width bins over the **reference's**
 *   range (default 10: `np.histogram_bin_edges(reference, bins)`), `'quantile'` (edges at the
 *   reference's quantiles `np.quantile(reference, linspace(0, 1, numBins + 1))`, tied edges
 *   merged, so heavy ties give fewer bins), `'fd'` (`np.histogram_bin_edges(reference, 'fd')`,
 *   Freedman-Diaconis), or explicit increasing edges. The edges come from the reference alone so
 *   that successive current batches are compared on the same bins. Bins are `np.histogram`'s
 *   ([e_i, e_i+1), the last closed), except that **the first and last bins extend to -inf and
 *   +inf**: a current value outside the reference's range counts in an outer bin.
 * - Categorical data (strings): one bin per category of either side, sorted; a category a side
 *   lacks is an empty bin there.
 * - `epsilon` replaces zero proportions on both sides (not renormalised for PSI, renormalised
 *   for KL, as `scipy.stats.entropy` does). PSI's default 1e-4 is Evidently's fill value; it
 *   bounds each empty bin's term near (p - 1e-4) ln(p / 1e-4) instead of infinity. KL has no
 *   default: without `epsilon` a current bin left empty gives Infinity and `infiniteBins` says
 *   which. In credit scoring a PSI below 0.1 is read as stable and above 0.25 as a major shift.
 * - `bootstrap` keeps the bins fixed and resamples both histograms (multinomial, seeded), and
 *   returns the percentile interval of `value` and its bootstrap standard error; an end next
 *   to infinite replicates (KL or PSI without `epsilon`, a resampled current bin left empty)
 *   is `Infinity`.
 *
 * `asymptoticStandardError` is the delta-method standard error of `value`, without
 * resampling: the bins held fixed, r^ and c^ independent multinomial proportions of the n
 * reference and m current values, Var ~ Var_r[a] / n + Var_c[b] / m with a and b the measure's
 * derivatives in r and c, evaluated at the observed proportions (a bin one side lacks carries
 * no weight on that side):
 *
 * - `'kl'`: (sum r ln^2(r/c) - KL^2) / n + (sum r^2/c - 1) / m, over ln(base)^2, as
 *   {@link klDivergenceFromCounts}.
 * - `'psi'`: PSI is KL(r || c) + KL(c || r), so a = ln(r/c) + 1 - c/r and
 *   b = ln(c/r) + 1 - r/c.
 * - `'js'`: JSD = H(mid) - (H(r) + H(c))/2 gives a = ln(r/mid)/2 and b = ln(c/mid)/2; the
 *   distance's standard error is the divergence's over 2 * distance (and ln base).
 * - `'hellinger'`: H^2 = 1 - sum sqrt(r c) gives, when every bin with mass has it on both
 *   sides, sqrt((2 - H^2)(1/n + 1/m)) / 4: the square root stabilises the multinomial variance.
 *
 * It is `Infinity` when `value` is, and NaN when `epsilon` changed the value (KL: any empty
 * bin; PSI: a bin empty on one side only): the fill is a jump the delta method cannot describe;
 * use the bootstrap there. At r = c the delta method degenerates. For KL and PSI both
 * derivatives are constant, so equal proportions report 0 while the real spread is O(1/n):
 * PSI / (1/n + 1/m) tends to chi-square(B - 1), B the bins with mass (Yurdakul, "Statistical properties of population
 * stability index", PhD thesis, Western Michigan University, 2018), a standard deviation of
 * sqrt(2(B - 1)) (1/n + 1/m), and KL is about half of PSI. The JS and Hellinger distances are
 * not differentiable at r = c; there the formulas' common limit sqrt((1/n + 1/m)/8) (JS: over
 * sqrt(ln base)) is reported, the scale of the real spread: the distance is then about
 * sqrt((1/n + 1/m)/8 * chi-square(B - 1)), whose standard deviation is 0.60 to 0.71 times it.
 * Bins empty on one side make JS and Hellinger's derivatives infinite: the formula is
 * unreliable there too.
 *
 * @example
 * ```ts
 * import { binnedDivergence } from 'kldiv/samples';
 * const reference = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6];
 * const current = [3, 4, 4, 5, 5, 5, 6, 6, 7, 9];
 * const psi = binnedDivergence(reference, current, { measure: 'psi', bins: 5 });
 * console.log(psi.edges); // [ 1, 2, 3, 4, 5, 6 ]
 * console.log(psi.referenceCounts, psi.currentCounts); // [ 1, 2, 3, 2, 2 ] [ 0, 0, 1, 2, 7 ]
 * console.log(psi.value.toFixed(4)); // 3.0556
 * const js = binnedDivergence(['a', 'b', 'b'], ['b', 'c'], { measure: 'js', base: 2 });
 * console.log(js.categories, js.value.toFixed(4)); // [ 'a', 'b', 'c' ] 0.6521
 * console.log(binnedDivergence([0, 1], [5, 5], { measure: 'kl' }).infiniteBins); // [ 0 ]
 * // the delta-method standard error of the Hellinger distance: sqrt((2 - H^2)(1/n + 1/m)) / 4
 * const h = binnedDivergence(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'], { measure: 'hellinger' });
 * console.log(h.value.toFixed(4), h.asymptoticStandardError.toFixed(4)); // 0.1846 0.2479
 * ```
 * @throws ArgumentError `E_INVALID_DATA` (not an array of numbers or of strings, numbers mixed
 * with strings, one side numeric and the other categorical), `E_NON_FINITE` (NaN or infinity),
 * `E_OPTION_RANGE` (unknown measure, bad bins or edges, an option the measure or data does not
 * take), `E_OPTION_TYPE`, `E_UNKNOWN_OPTION`.
 * @throws ShapeError `E_INVALID_SHAPE` (an empty side), `E_TOO_LARGE` (`'fd'` above 1e6 bins).
 */
export function binnedDivergence(
  reference: TensorLike | readonly string[],
  current: TensorLike | readonly string[],
  options: BinnedDivergenceOptions,
): BinnedDivergenceResult {
  const fn = 'binnedDivergence';
  const { measure, epsilon, lnBase, boot, bins, numBins } = optionsOf(options, fn);
  const ref = checkValues(reference, fn, 'reference');
  const cur = checkValues(current, fn, 'current');
  if (ref.kind !== cur.kind) {
    throw new ArgumentError(
      `${fn}: arguments 'reference' and 'current' must both be numeric or both categorical; received ${ref.kind} and ${cur.kind} values.`,
      { code: 'E_INVALID_DATA', fn, argument: 'current', received: current },
    );
  }
  let referenceCounts: number[];
  let currentCounts: number[];
  let where: { edges: number[] } | { categories: string[] };
  if (ref.kind === 'categorical') {
    for (const [name, v] of [
      ['bins', bins],
      ['numBins', numBins],
    ] as const) {
      if (v === undefined) continue;
      throw new ArgumentError(
        `${fn}: option '${name}' applies to numeric data only (strings are binned by category); received ${describe(v)}.`,
        { code: 'E_OPTION_RANGE', fn, argument: name, received: v },
      );
    }
    const counted = categoricalCounts(ref.data, cur.data as string[]);
    referenceCounts = counted.referenceCounts;
    currentCounts = counted.currentCounts;
    where = { categories: counted.categories };
  } else {
    const sorted = ref.data.slice().sort();
    const edges = numericEdges(sorted, bins, numBins, fn);
    referenceCounts = histogram(ref.data, edges);
    currentCounts = histogram(cur.data as Float64Array, edges);
    where = { edges: Array.from(edges) };
  }
  const infiniteBins: number[] = [];
  const measured = measureOf(
    measure,
    referenceCounts,
    currentCounts,
    epsilon,
    lnBase,
    infiniteBins,
  );
  const asymptoticStandardError = measureStandardError(
    measure,
    referenceCounts,
    currentCounts,
    epsilon,
    lnBase,
    measured,
  );
  const result: BinnedDivergenceResult = {
    value: measured.value,
    measure,
    ...(measured.divergence === undefined ? {} : { divergence: measured.divergence }),
    bins: referenceCounts.length,
    ...where,
    referenceCounts,
    currentCounts,
    epsilon,
    infiniteBins,
    asymptoticStandardError,
  };
  if (boot !== null) {
    const samples = [
      histogramSample(referenceCounts, fn, 'reference'),
      histogramSample(currentCounts, fn, 'current'),
    ];
    const b = runBootstrap(
      boot,
      samples,
      ([rr, rc]) => measureOf(measure, rr, rc, epsilon, lnBase, null).value,
      fn,
    );
    result.ci = b.ci;
    result.standardError = b.standardError;
  }
  return result;
}
