/**
 * The k-nearest-neighbour estimator of KL(P || Q) from samples of P and Q (Wang, Kulkarni and
 * Verdú 2009), with a k-d tree in low dimension and brute force above.
 *
 * @module
 */

import { ArgumentError, ShapeError } from '../errors.js';
import { checkOptions, numberOption } from '../options.js';
import type { TensorLike } from '../tensor/tensor.js';
import {
  type BootstrapOptions,
  bootstrapSettings,
  type ConfidenceInterval,
  runBootstrap,
} from './bootstrap.js';
import { NeighbourSearch } from './neighbour-search.js';
import { blockedSum, checkSameDimension, choiceOption, type Points, toPoints } from './points.js';

/** How coinciding points (a k-th neighbour at distance 0) are treated. */
export type DuplicatesPolicy = 'error' | 'skip';

/** Options of {@link knnKLDivergence}. */
export interface KnnKLDivergenceOptions {
  /** Which neighbour (default 1): an integer from 1 to n - 1 and at most m. */
  k?: number;
  /**
   * `'error'` (default): throw `E_DUPLICATE_SAMPLES` when a k-th neighbour distance is 0, where
   * the estimate would be infinite. `'skip'`: ignore neighbours at distance 0 (use the k-th
   * nearest at a positive distance).
   */
  duplicates?: DuplicatesPolicy;
  /**
   * The neighbour search (default `'auto'`: `'kd-tree'` for d <= 11, `'brute'` above). Both
   * give the same bits.
   */
  algorithm?: 'auto' | 'kd-tree' | 'brute';
  /** A percentile bootstrap interval: `true` or `{ resamples, level, seed }`. */
  bootstrap?: boolean | BootstrapOptions;
  /**
   * Threads for the neighbour searches, the calling one included (default 1): an integer from
   * 1 to 256, capped at the cores available. Above 1, Node worker threads search parts of x
   * (the point estimate and each bootstrap replicate); the estimate has the same bits for any
   * count. Elsewhere (browsers: no synchronous worker start), or if a worker fails, the calling
   * thread searches alone.
   */
  threads?: number;
}

/** What {@link knnKLDivergence} returns. */
export interface KnnKLDivergenceResult {
  /** The estimate of KL(P || Q) in nats. Finite; may be negative at small n. */
  estimate: number;
  /** Points of x (from P). */
  n: number;
  /** Points of y (from Q). */
  m: number;
  /** Their dimension. */
  d: number;
  /** The neighbour used. */
  k: number;
  /** The neighbour search that ran. */
  algorithm: 'kd-tree' | 'brute';
  /** With `bootstrap`: the percentile interval of the estimate. */
  ci?: ConfidenceInterval;
  /**
   * With `bootstrap`: the bootstrap standard error (standard deviation of the replicates). There
   * is no closed-form one: the estimator's variance has no usable expression at finite n.
   */
  standardError?: number;
}

/** @internal 'auto' takes the k-d tree up to this dimension (measured crossover, n = 1e4). */
const TREE_MAX_DIM = 11;

/** Index of the first point of `pts` (other than `skip`, drawn when weighted) at distance 0 from x[i]. */
function samePoint(x: Points, i: number, pts: Points, skip: number, w: Int32Array | null): number {
  const { d } = x;
  for (let j = 0; j < pts.n; j++) {
    if (j === skip || (w !== null && w[j] === 0)) continue;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const e = x.data[i * d + t] - pts.data[j * d + t];
      s += e * e;
    }
    if (s === 0) return j;
  }
  return -1;
}

/** 1 where `w` is positive, else 0, and how many. */
function drawn(w: Int32Array): [Int32Array, number] {
  const mask = new Int32Array(w.length);
  let count = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0) {
      mask[i] = 1;
      count++;
    }
  }
  return [mask, count];
}

/**
 * The estimate from the k-th neighbour distances; throws `E_DUPLICATE_SAMPLES` where a distance
 * is 0 (policy 'error') or missing (policy 'skip': fewer than k points at a positive distance).
 *
 * A bootstrap resample (counts `wx`, `wy`) is evaluated on the distinct points drawn, n' of x
 * and m' of y: the neighbours are searched among those (an x_i's copies are x_i, never its
 * neighbours), the correction is log(m' / (n' - 1)), and each term counts with its
 * multiplicity in the mean over n. Counting copies as neighbours instead overstates the
 * spread by 20-40% at k = 5 (measured against repeated samples).
 */
function estimate(
  fn: string,
  search: NeighbourSearch,
  x: Points,
  y: Points,
  k: number,
  policy: DuplicatesPolicy,
  wx: Int32Array | null,
  wy: Int32Array | null,
  replicate: number,
): number {
  const { n, d } = x;
  let nd = n;
  let md = y.n;
  let maskX: Int32Array | null = null;
  let maskY: Int32Array | null = null;
  if (wx !== null && wy !== null) {
    [maskX, nd] = drawn(wx);
    [maskY, md] = drawn(wy);
  }
  const { rho2, nu2 } = search.kth(k, policy === 'skip', maskX, maskY);
  const terms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = wx === null ? 1 : wx[i];
    if (w === 0) continue;
    const r = rho2[i];
    const s = nu2[i];
    if (r === 0 || s === 0 || r === Number.POSITIVE_INFINITY || s === Number.POSITIVE_INFINITY) {
      throw duplicateError(fn, x, y, i, k, policy, rho2, nu2, maskX, maskY, replicate);
    }
    const ratio = s / r;
    // the ratio can over- or underflow where the logs do not
    terms[i] =
      w *
      (ratio > 0 && ratio < Number.POSITIVE_INFINITY ? Math.log(ratio) : Math.log(s) - Math.log(r));
  }
  return (d / (2 * n)) * blockedSum(terms) + Math.log(md / (nd - 1));
}

function duplicateError(
  fn: string,
  x: Points,
  y: Points,
  i: number,
  k: number,
  policy: DuplicatesPolicy,
  rho2: Float64Array,
  nu2: Float64Array,
  wx: Int32Array | null,
  wy: Int32Array | null,
  replicate: number,
): ArgumentError {
  const where = replicate < 0 ? '' : ` in bootstrap replicate ${replicate}`;
  const inX = rho2[i] === 0 || rho2[i] === Number.POSITIVE_INFINITY;
  const other = inX ? 'x' : 'y';
  const dist = inX ? rho2 : nu2;
  let affected = 0;
  for (let j = 0; j < x.n; j++) if ((wx === null || wx[j] > 0) && dist[j] === dist[i]) affected++;
  let message: string;
  let received: number[];
  if (dist[i] === 0) {
    const j = inX ? samePoint(x, i, x, i, wx) : samePoint(x, i, y, -1, wy);
    received = [i, j];
    message =
      `${fn}: x[${i}] and ${other}[${j}] are the same point${where}, so the k-th nearest neighbour of x[${i}] in ${other} (k = ${k}) is at distance 0 and the estimate would be ${inX ? '+inf' : '-inf'} ` +
      `(${affected} point${affected === 1 ? '' : 's'} of x ${affected === 1 ? 'is' : 'are'} affected). The estimator assumes samples of a continuous distribution: remove or jitter the duplicates, take k above the number of copies, or pass { duplicates: 'skip' } to use the k-th nearest neighbour at a positive distance.`;
  } else {
    received = [i];
    message =
      policy === 'skip'
        ? `${fn}: x[${i}] has fewer than k = ${k} points of ${other} at a positive distance${where} (duplicates: 'skip' ignores the points at distance 0), so the estimate is undefined. Lower k, or remove the duplicates.`
        : `${fn}: x[${i}] has fewer than k = ${k} neighbours in ${other}${where} (the resample drew too few distinct points), so the estimate is undefined. Lower k, or use more points.`;
  }
  return new ArgumentError(message, {
    code: 'E_DUPLICATE_SAMPLES',
    fn,
    argument: inX ? 'x' : 'y',
    received,
  });
}

/**
 * The k-nearest-neighbour estimate of KL(P || Q) from samples `x` of P and `y` of Q (Wang,
 * Kulkarni and Verdú 2009):
 *
 * D = (d / n) * sum_i log(nu_k(i) / rho_k(i)) + log(m / (n - 1))
 *
 * where rho_k(i) is the Euclidean distance from x_i to its k-th nearest neighbour among the
 * other points of x, and nu_k(i) the distance to its k-th nearest neighbour in y. It is
 * asymptotically unbiased and mean-square consistent for fixed k (no density is estimated);
 * at finite n it is biased, more so in high dimension, and k trades bias (larger k smooths over
 * more space) against variance (k = 1 is the noisiest). This is the estimator SciPy-based
 * recipes compute with `cKDTree.query`; kldiv agrees with them to 1e-9.
 *
 * Samples: `[n, d]` points (a Tensor, nested arrays, `{ data, shape }`, ...) or 1-D input for
 * d = 1; a flat typed array is 1-D, so pass d-dimensional points in a flat buffer with their
 * shape (`{ data, shape: [n, d] }`). NaN or infinite coordinates are `E_NON_FINITE`. The
 * distances use float64.
 *
 * Duplicates: coinciding points make a distance 0 and the estimate infinite. By default that is
 * `E_DUPLICATE_SAMPLES`, naming both points (only when a k-th distance is 0: k above the number
 * of copies is fine). `duplicates: 'skip'` uses the k-th neighbour at a positive distance
 * instead (as some implementations do), which is finite but biased on data with many ties;
 * rounded or discrete data needs a count estimator instead.
 *
 * Bootstrap (`bootstrap: { resamples, level, seed }`): x and y are resampled independently with
 * replacement. Copies made by resampling are one observation drawn several times, not
 * duplicates: a replicate searches neighbours among the distinct points drawn (n' of x, m' of
 * y, about 63% of each), so no zero distance appears, uses log(m' / (n' - 1)), and counts each
 * x_i's term as many times as it was drawn. Against the spread of repeated independent samples
 * (normal pairs, n = 1000 and 2000) this standard error is right for k = 5 and 10-20% high for
 * k = 1; 95% intervals covered the estimator's mean in 91-100% of 200 datasets. They reflect the
 * estimator's spread, not its bias: where the bias is comparable (2-D, k = 5, n = 1000: -0.06),
 * they miss the true divergence more often (61% coverage there).
 *
 * Search: a k-d tree for d <= 11 and brute force above (`algorithm` to choose); n = m = 1e5 in
 * 2-D takes about 0.15 s, 1e4 points in 50-D a few seconds.
 *
 * Threads (`threads`, default 1): in Node, worker threads search chunks of x alongside the
 * calling thread, which waits for them (the call stays synchronous). The estimate, the error
 * for a duplicate and the bootstrap interval have the same bits for any count. Workers start
 * on first use (tens of milliseconds; the calling thread searches meanwhile), are reused, and
 * never keep a process alive. With the k-d tree, the calling thread builds x's tree and
 * searches x in x while a worker builds y's and searches x in y; brute force searches each point
 * against all of x when threaded instead of each pair once, so two threads save about a third.
 * Where workers cannot start synchronously (browsers, runtimes other than Node, a bundle
 * without samples/kd-tree.js beside samples/knn-threads.js) or one fails, the calling thread
 * searches alone and the result is the same.
 *
 * Not implemented: the paper's variant with a data-dependent k per point (bias-reduced, faster
 * to converge in some of its experiments), which needs radius-count queries; the fixed-k
 * estimator is the one SciPy-based recipes compute.
 *
 * Reference: Q. Wang, S. R. Kulkarni and S. Verdú, "Divergence estimation for multidimensional
 * densities via k-nearest-neighbor distances", IEEE Trans. Inf. Theory 55(5), 2392-2405, 2009.
 *
 * @throws {ArgumentError} `E_NON_FINITE`, `E_DUPLICATE_SAMPLES`, `E_UNKNOWN_OPTION`,
 *   `E_OPTION_TYPE`, `E_OPTION_RANGE` (k not an integer from 1 to min(n - 1, m)), and what
 *   `tensor()` throws for unreadable input.
 * @throws {ShapeError} `E_INVALID_SHAPE` (not 1-D or 2-D, empty, x with one point),
 *   `E_SHAPE_MISMATCH` (x and y of different dimension).
 *
 * @example
 * ```ts
 * import { knnKLDivergence } from 'kldiv/samples';
 * // by hand: rho = [1, 1, 2], nu = [0.5, 0.5, 1], so D = (1/3) * 3 * log(1/2) + log(2/2)
 * console.log(knnKLDivergence([0, 1, 3], [0.5, 2]).estimate.toFixed(6)); // -0.693147
 *
 * import { MultivariateNormal, RandomGenerator, klDivergence } from 'kldiv/distributions';
 * const rng = new RandomGenerator(1);
 * const p = new MultivariateNormal({ loc: [0, 0], covarianceMatrix: [[1, 0.5], [0.5, 1]] });
 * const q = new MultivariateNormal({ loc: [1, 0], covarianceMatrix: [[1, 0], [0, 1]] });
 * const x = p.sample([20000], { rng });
 * const y = q.sample([20000], { rng });
 * const r = knnKLDivergence(x, y, { k: 5 });
 * console.log(r.estimate.toFixed(2), klDivergence(p, q).item().toFixed(2)); // 0.64 0.64
 * // worker threads (Node) search parts of x: the same bits
 * console.log(knnKLDivergence(x, y, { k: 5, threads: 2 }).estimate === r.estimate); // true
 * ```
 */
export function knnKLDivergence(
  x: TensorLike,
  y: TensorLike,
  options?: KnnKLDivergenceOptions,
): KnnKLDivergenceResult {
  const fn = 'knnKLDivergence';
  const opts = checkOptions<KnnKLDivergenceOptions>(
    options,
    ['k', 'duplicates', 'algorithm', 'bootstrap', 'threads'],
    fn,
  );
  const threads = numberOption(
    opts.threads,
    1,
    fn,
    'threads',
    (v) => Number.isInteger(v) && v >= 1 && v <= 256,
    'an integer from 1 to 256',
  );
  const k = numberOption(
    opts.k,
    1,
    fn,
    'k',
    (v) => Number.isInteger(v) && v >= 1,
    'an integer >= 1',
  );
  const policy = choiceOption(
    opts.duplicates,
    ['error', 'skip'] as const,
    'error',
    fn,
    'duplicates',
  );
  const algo = choiceOption(
    opts.algorithm,
    ['auto', 'kd-tree', 'brute'] as const,
    'auto',
    fn,
    'algorithm',
  );
  const boot = bootstrapSettings(opts.bootstrap, fn);
  const px = toPoints(x, fn, 'x');
  const py = toPoints(y, fn, 'y');
  checkSameDimension(px, py, fn);
  const { n, d } = px;
  const m = py.n;
  if (n < 2) {
    throw new ShapeError(
      `${fn}: argument 'x' must hold at least 2 points (each needs a neighbour among the others); received 1.`,
      { code: 'E_INVALID_SHAPE', fn, argument: 'x', received: [n, d] },
    );
  }
  if (k > n - 1 || k > m) {
    throw new ArgumentError(
      `${fn}: option 'k' must be at most n - 1 = ${n - 1} and at most m = ${m} (x has ${n} points, y ${m}); received ${k}.`,
      { code: 'E_OPTION_RANGE', fn, argument: 'k', received: k },
    );
  }
  const algorithm = algo === 'auto' ? (d <= TREE_MAX_DIM ? 'kd-tree' : 'brute') : algo;
  const search = new NeighbourSearch(px, py, algorithm, threads);
  try {
    const result: KnnKLDivergenceResult = {
      estimate: estimate(fn, search, px, py, k, policy, null, null, -1),
      n,
      m,
      d,
      k,
      algorithm,
    };
    if (boot !== null) {
      const b = runBootstrap(
        boot,
        [{ n }, { n: m }],
        (c, r) => estimate(fn, search, px, py, k, policy, c[0], c[1], r),
        fn,
      );
      result.ci = b.ci;
      result.standardError = b.standardError;
    }
    return result;
  } finally {
    search.close();
  }
}
