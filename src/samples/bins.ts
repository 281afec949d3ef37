/**
 * Binning for the drift measures: NumPy's bin edges (equal width, Freedman-Diaconis, reference
 * quantiles), explicit edges, histograms whose outer bins reach -inf and +inf, and categories.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import { toTensor } from '../tensor/tensor.js';
import { sortedQuantile } from './bootstrap.js';

/**
 * How numeric values are binned: a number of equal-width bins over the reference's range,
 * `'quantile'` (edges at the reference's quantiles), `'fd'` (NumPy's Freedman-Diaconis rule on
 * the reference) or explicit increasing edges.
 */
export type BinsOption = number | 'quantile' | 'fd' | ArrayLike<number>;

/** @internal Refused above this many bins: a data-driven rule (`'fd'`) must not exhaust memory. */
export const MAX_BINS = 1_000_000;

/** @internal The values of a data argument: finite numbers (as float64) or strings. */
export type Values =
  | { kind: 'numeric'; data: Float64Array }
  | { kind: 'categorical'; data: string[] };

/**
 * @internal Checks a data argument: an array of strings (categorical), or a non-empty 1-D
 * Tensor, array or typed array of finite numbers (anything `tensor()` reads).
 */
export function checkValues(value: unknown, fn: string, argument: string): Values {
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'string') {
    const i = value.findIndex((v) => typeof v !== 'string');
    if (i >= 0) {
      throw new ArgumentError(
        `${fn}: argument '${argument}' must hold only numbers or only strings; received ${describe(value[i])} at index ${i} after strings.`,
        { code: 'E_INVALID_DATA', fn, argument, received: value[i], torchType: 'TypeError' },
      );
    }
    return { kind: 'categorical', data: value as string[] };
  }
  const t = toTensor(value, fn, argument, { dtype: 'float64' });
  if (t.shape.length !== 1 || t.shape[0] === 0) {
    throw new ShapeError(
      `${fn}: argument '${argument}' must be 1-D and not empty; received shape ${formatShape(t.shape)}.`,
      { code: 'E_INVALID_SHAPE', fn, argument, received: t.shape },
    );
  }
  const data = t.data as Float64Array;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    throw new ArgumentError(
      `${fn}: argument '${argument}' holds ${describe(data[i])} at index ${i}; values must be finite.`,
      { code: 'E_NON_FINITE', fn, argument, received: data[i] },
    );
  }
  return { kind: 'numeric', data };
}

/** @internal `np.linspace(first, last, bins + 1)`, NumPy's arithmetic step for step. */
export function linspaceEdges(first: number, last: number, bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const delta = last - first;
  const step = delta / bins;
  for (let i = 0; i <= bins; i++) {
    // NumPy scales by delta instead when the step underflows to 0 (gh-5437)
    edges[i] = (step === 0 ? (i / bins) * delta : i * step) + first;
  }
  edges[bins] = last;
  return edges;
}

/** NumPy's `_get_outer_edges`: the data's range, widened by 0.5 each way when it is a point. */
function outerEdges(sorted: Float64Array): [number, number] {
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  return first === last ? [first - 0.5, last + 0.5] : [first, last];
}

/** @internal `np.histogram_bin_edges(reference, bins)` for an integer `bins`. */
export function equalWidthEdges(sorted: Float64Array, bins: number): Float64Array {
  const [first, last] = outerEdges(sorted);
  return linspaceEdges(first, last, bins);
}

/**
 * @internal `np.histogram_bin_edges(reference, 'fd')`: width 2 IQR n^(-1/3), as many equal bins
 * as cover the range (one when the IQR is 0).
 */
export function fdEdges(sorted: Float64Array, fn: string): Float64Array {
  const [first, last] = outerEdges(sorted);
  const iqr = sortedQuantile(sorted, 0.75) - sortedQuantile(sorted, 0.25);
  const width = 2.0 * iqr * sorted.length ** (-1.0 / 3.0);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  if (bins > MAX_BINS) {
    throw new ShapeError(
      `${fn}: bins 'fd' gives ${bins} bins for argument 'reference' (its range over 2 IQR n^(-1/3)), more than ${MAX_BINS}; pass a number of bins or explicit edges.`,
      { code: 'E_TOO_LARGE', fn, argument: 'bins', received: bins },
    );
  }
  return linspaceEdges(first, last, bins);
}

/**
 * @internal `np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))`: tied quantiles
 * merge, so heavy ties give fewer bins; a constant reference gives NumPy's one bin [v - 0.5,
 * v + 0.5].
 */
export function quantileEdges(sorted: Float64Array, bins: number): Float64Array {
  const step = 1 / bins; // np.linspace(0, 1, bins + 1): i * step, the last exactly 1
  const qs = Array.from({ length: bins + 1 }, (_, i) =>
    sortedQuantile(sorted, i === bins ? 1 : i * step),
  );
  qs.sort((a, b) => a - b);
  const unique = qs.filter((v, i) => i === 0 || v !== qs[i - 1]);
  return unique.length === 1
    ? Float64Array.of(unique[0] - 0.5, unique[0] + 0.5)
    : Float64Array.from(unique);
}

/**
 * @internal Checks explicit edges: at least two, strictly increasing, finite except a leading
 * -Infinity or a trailing +Infinity.
 */
export function checkEdges(value: unknown, fn: string): Float64Array {
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  const items = value as ArrayLike<unknown>;
  const bad = (rule: string, received: unknown, at = '') =>
    new ArgumentError(`${fn}: option 'bins' must ${rule}; received ${describe(received)}${at}.`, {
      code: 'E_OPTION_RANGE',
      fn,
      argument: 'bins',
      received,
    });
  if ((!Array.isArray(value) && !isTyped) || items.length < 2) {
    throw bad("be a number of bins, 'quantile', 'fd', or at least two edges", value);
  }
  const edges = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    const open = (i === 0 && v === -Infinity) || (i === items.length - 1 && v === Infinity);
    if (typeof v !== 'number' || (!Number.isFinite(v) && !open)) {
      throw bad(
        'hold finite edges (-Infinity first and Infinity last allowed)',
        v,
        ` at index ${i}`,
      );
    }
    if (i > 0 && !(v > edges[i - 1])) {
      throw bad('increase strictly', v, ` at index ${i} after ${describe(edges[i - 1])}`);
    }
    edges[i] = v;
  }
  return edges;
}

/**
 * @internal Counts per bin: bin i is [edges[i], edges[i + 1]) and the last is closed, as
 * `np.histogram`, except that the first bin reaches down to -inf and the last up to +inf, so
 * that no value falls outside (the drift tools' convention).
 */
export function histogram(values: Float64Array, edges: Float64Array): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of values) {
    // the number of interior edges <= x (upper bound over edges[1 .. bins - 1])
    let lo = 1;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    counts[lo - 1]++;
  }
  return counts;
}

/**
 * @internal Categorical counts over the union of both sides' categories, sorted by UTF-16 code
 * units (JavaScript's default sort): a category one side lacks is an empty bin there.
 */
export function categoricalCounts(
  reference: string[],
  current: string[],
): { categories: string[]; referenceCounts: number[]; currentCounts: number[] } {
  const categories = [...new Set([...reference, ...current])].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const count = (values: string[]) => {
    const out = new Array<number>(categories.length).fill(0);
    for (const v of values) out[index.get(v)!]++;
    return out;
  };
  return { categories, referenceCounts: count(reference), currentCounts: count(current) };
}
