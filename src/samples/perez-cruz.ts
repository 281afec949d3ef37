/**
 * Pérez-Cruz's (2008) estimator of KL(P || Q) for 1-D samples, from the slopes of the
 * piecewise-linear interpolations of the two empirical CDFs.
 *
 * @module
 */

import { ArgumentError, ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { TensorLike } from '../tensor/tensor.js';
import {
  type BootstrapOptions,
  bootstrapSettings,
  type ConfidenceInterval,
  runBootstrap,
} from './bootstrap.js';
import type { DuplicatesPolicy } from './knn-kl-divergence.js';
import { blockedSum, choiceOption, type Points, toPoints } from './points.js';

/** Options of {@link perezCruzKLDivergence}. */
export interface PerezCruzKLDivergenceOptions {
  /**
   * `'error'` (default): tied values in x or in y are `E_DUPLICATE_SAMPLES` (the interpolated CDF
   * would jump). `'skip'`: tied values make one knot, at the middle of the CDF's jump, so zero
   * spacings are skipped.
   */
  duplicates?: DuplicatesPolicy;
  /** A percentile bootstrap interval: `true` or `{ resamples, level, seed }`. */
  bootstrap?: boolean | BootstrapOptions;
}

/** What {@link perezCruzKLDivergence} returns. */
export interface PerezCruzKLDivergenceResult {
  /** The estimate of KL(P || Q) in nats (the paper's D^ - 1). Finite; may be negative. */
  estimate: number;
  /** Points of x (from P). */
  n: number;
  /** Points of y (from Q). */
  m: number;
  /** With `bootstrap`: the percentile interval of the estimate. */
  ci?: ConfidenceInterval;
  /** With `bootstrap`: the bootstrap standard error (there is no closed-form one). */
  standardError?: number;
}

/** A sorted 1-D sample: values ascending and, per position, the input index. */
interface Sorted {
  values: Float64Array;
  order: Int32Array;
}

function sortSample(p: Points): Sorted {
  const order = Int32Array.from({ length: p.n }, (_, i) => i);
  order.sort((a, b) => p.data[a] - p.data[b] || a - b);
  const values = Float64Array.from(order, (i) => p.data[i]);
  return { values, order };
}

/**
 * The knots: the distinct values among the observations drawn (count > 0), with how many
 * distinct observations lie at each (the CDF's step) and how many times they were drawn.
 */
function knots(s: Sorted, w: Int32Array | null) {
  const at: number[] = [];
  const step: number[] = [];
  const drawn: number[] = [];
  let total = 0;
  for (let p = 0; p < s.values.length; p++) {
    const c = w === null ? 1 : w[s.order[p]];
    if (c === 0) continue;
    total++;
    const v = s.values[p];
    if (at.length > 0 && at[at.length - 1] === v) {
      step[step.length - 1]++;
      drawn[drawn.length - 1] += c;
    } else {
      at.push(v);
      step.push(1);
      drawn.push(c);
    }
  }
  return { at, step, drawn, total };
}

/**
 * The estimate for samples resampled with counts `wx`, `wy` (null: each point once); NaN when
 * every point is at one value.
 *
 * P_c goes through (x0, 0), (v_j, F_j) and (xe, 1), F_j = (points below v_j + half the points at
 * v_j) / n: the empirical CDF with the step's midpoint at each sample (the paper's U(0) = 1/2).
 * The slope of P_c just left of v_j is then (s_{j-1} + s_j) / (2n) over v_j - v_{j-1} (s_j: the
 * points at v_j), and Q_c's is that of the segment of Q's knots holding v_j - epsilon.
 *
 * A resample is evaluated on the distinct observations drawn (n' of x, m' of y, which set the
 * CDFs), each x term counted as many times as it was drawn in the mean over n. Copies are one
 * observation drawn again, not ties: merged as ties, they bias the replicates by about +0.1
 * (measured at n = 20000, against an estimate of 0.16).
 */
function estimateSorted(
  xs: Sorted,
  ys: Sorted,
  n: number,
  wx: Int32Array | null,
  wy: Int32Array | null,
): number {
  const px = knots(xs, wx);
  const qy = knots(ys, wy);
  const nd = px.total;
  const md = qy.total;
  const lo = Math.min(px.at[0], qy.at[0]);
  const hi = Math.max(px.at[px.at.length - 1], qy.at[qy.at.length - 1]);
  // the end knots: one mean spacing of the pooled sample beyond its extremes
  const pad = (hi - lo) / (nd + md - 1);
  if (!(pad > 0)) return Number.NaN;
  const x0 = lo - pad;
  const xe = hi + pad;
  const J = px.at.length;
  const L = qy.at.length;
  const terms = new Float64Array(J);
  // Q's segment l runs from knot l - 1 to knot l (knot 0 = x0, knots 1..L = qy.at, L + 1 = xe)
  const qKnot = (l: number) => (l === 0 ? x0 : l === L + 1 ? xe : qy.at[l - 1]);
  const qStep = (l: number) => (l === 0 || l === L + 1 ? 0 : qy.step[l - 1]);
  let l = 1;
  for (let j = 0; j < J; j++) {
    const v = px.at[j];
    const massP = (j === 0 ? 0 : px.step[j - 1]) + px.step[j]; // times 1 / (2n')
    const widthP = v - (j === 0 ? x0 : px.at[j - 1]);
    while (qKnot(l) < v) l++; // now knot l - 1 < v <= knot l
    const massQ = qStep(l - 1) + qStep(l); // times 1 / (2m')
    const widthQ = qKnot(l) - qKnot(l - 1);
    // (massP / (2n') / widthP) / (massQ / (2m') / widthQ)
    const num = massP * md * widthQ;
    const den = massQ * nd * widthP;
    const ratio = num / den;
    const log =
      ratio > 0 && ratio < Number.POSITIVE_INFINITY
        ? Math.log(ratio)
        : Math.log(num) - Math.log(den);
    terms[j] = px.drawn[j] * log;
  }
  return blockedSum(terms) / n - 1;
}

/** Throws `E_DUPLICATE_SAMPLES` naming the first tie of a sample, if it has one. */
function refuseTies(fn: string, s: Sorted, argument: 'x' | 'y'): void {
  for (let p = 1; p < s.values.length; p++) {
    if (s.values[p] !== s.values[p - 1]) continue;
    const [i, j] = [s.order[p - 1], s.order[p]];
    throw new ArgumentError(
      `${fn}: ${argument}[${i}] and ${argument}[${j}] are equal (${s.values[p]}), so the interpolated empirical CDF of ${argument} would jump there and the estimate is undefined. The estimator assumes samples of a continuous distribution: remove or jitter the duplicates, or pass { duplicates: 'skip' } to merge tied values into one knot.`,
      { code: 'E_DUPLICATE_SAMPLES', fn, argument, received: [i, j] },
    );
  }
}

/**
 * Pérez-Cruz's estimate of KL(P || Q) from 1-D samples `x` of P and `y` of Q.
 *
 * P_c and Q_c, the empirical CDFs made continuous by linear interpolation between the samples
 * (each sample at the middle of its step), give the density ratio at each x_i as the ratio of
 * their slopes just left of x_i:
 *
 * D = (1/n) * sum_i log(dP_c(x_i) / dQ_c(x_i)) - 1
 *
 * The slopes are like 1-nearest-neighbour density estimates that never converge, yet the mean
 * of their log-ratio does, to D(P || Q) + 1, almost surely (the paper's theorem; the -1 is the
 * Exp(1) / Gamma(2, 1) spacing statistics of the two samples). Its spread lies between that of
 * {@link knnKLDivergence} with k = 1 and k = 5 (normal pair, n = 2000: sd 0.036 against 0.049
 * and 0.028), with a bias as small as k = 1's. The curves start and end one mean spacing
 * of the pooled sample beyond its extremes (the paper only asks for points below and above
 * every sample), which moves the estimate by O(1/n) unless P has heavier tails than Q.
 *
 * Ties make the interpolated CDF jump: by default they are `E_DUPLICATE_SAMPLES`;
 * `duplicates: 'skip'` merges tied values into one knot (the empirical CDF's own value there).
 * Bootstrap (`bootstrap: { resamples, level, seed }`): x and y are resampled independently with
 * replacement; a replicate builds the CDFs from the distinct observations drawn and counts each
 * x_i's term as many times as it was drawn (copies are not ties), as {@link knnKLDivergence}
 * does. For d > 1 use {@link knnKLDivergence}: the paper's multivariate estimator is the same
 * k-NN formula.
 *
 * Reference: F. Pérez-Cruz, "Kullback-Leibler divergence estimation of continuous
 * distributions", Proc. IEEE International Symposium on Information Theory (ISIT), 2008,
 * pp. 1666-1670.
 *
 * @throws {ArgumentError} `E_NON_FINITE`, `E_DUPLICATE_SAMPLES`, `E_UNKNOWN_OPTION`,
 *   `E_OPTION_TYPE`, `E_OPTION_RANGE`, and what `tensor()` throws for unreadable input.
 * @throws {ShapeError} `E_INVALID_SHAPE` (not 1-D or `[n, 1]`, or empty).
 *
 * @example
 * ```ts
 * import { perezCruzKLDivergence } from 'kldiv/samples';
 * import { Laplace, Normal, RandomGenerator, klDivergence } from 'kldiv/distributions';
 * const rng = new RandomGenerator(3);
 * const p = new Normal({ loc: 0, scale: 1 });
 * const q = new Laplace({ loc: 0.5, scale: 1 });
 * const r = perezCruzKLDivergence(p.sample([20000], { rng }), q.sample([20000], { rng }));
 * console.log(r.estimate.toFixed(2), klDivergence(p, q).item().toFixed(2)); // 0.16 0.17
 * // by hand (see the tests): log(35/27) / 3 - 1
 * console.log(perezCruzKLDivergence([0, 1, 3], [0.5, 2]).estimate.toFixed(6)); // -0.913496
 * ```
 */
export function perezCruzKLDivergence(
  x: TensorLike,
  y: TensorLike,
  options?: PerezCruzKLDivergenceOptions,
): PerezCruzKLDivergenceResult {
  const fn = 'perezCruzKLDivergence';
  const opts = checkOptions<PerezCruzKLDivergenceOptions>(options, ['duplicates', 'bootstrap'], fn);
  const policy = choiceOption(
    opts.duplicates,
    ['error', 'skip'] as const,
    'error',
    fn,
    'duplicates',
  );
  const boot = bootstrapSettings(opts.bootstrap, fn);
  const px = toPoints(x, fn, 'x');
  const py = toPoints(y, fn, 'y');
  for (const [p, name] of [
    [px, 'x'],
    [py, 'y'],
  ] as const) {
    if (p.d !== 1) {
      throw new ShapeError(
        `${fn}: argument '${name}' must be 1-D samples (n values or [n, 1]); received [${p.n}, ${p.d}]. For d > 1, use knnKLDivergence.`,
        { code: 'E_INVALID_SHAPE', fn, argument: name, received: [p.n, p.d] },
      );
    }
  }
  const xs = sortSample(px);
  const ys = sortSample(py);
  if (policy === 'error') {
    refuseTies(fn, xs, 'x');
    refuseTies(fn, ys, 'y');
  }
  const { n } = px;
  const m = py.n;
  const value = (wx: Int32Array | null, wy: Int32Array | null, replicate: number) => {
    const v = estimateSorted(xs, ys, n, wx, wy);
    if (!Number.isNaN(v)) return v;
    const where = replicate < 0 ? '' : ` (bootstrap replicate ${replicate})`;
    throw new ArgumentError(
      `${fn}: every point of x and y is at one value${where}, so the estimate is undefined.`,
      { code: 'E_DUPLICATE_SAMPLES', fn, argument: 'x', received: xs.values[0] },
    );
  };
  const result: PerezCruzKLDivergenceResult = { estimate: value(null, null, -1), n, m };
  if (boot !== null) {
    const b = runBootstrap(boot, [{ n }, { n: m }], (c, r) => value(c[0], c[1], r), fn);
    result.ci = b.ci;
    result.standardError = b.standardError;
  }
  return result;
}
