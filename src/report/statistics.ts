/**
 * The summary statistics of the report, over float64 arrays of per-token values in token order
 * (so that a report and the merge of its shards compute bitwise the same numbers).
 *
 * @module
 */

/**
 * @internal The sum of `v[0..n)` by Neumaier's compensated summation (within an ulp or two of the
 * exact sum, independent of n), in index order.
 */
export function compensatedSum(v: Float64Array, n = v.length): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  // non-finite values: the compensation is NaN (inf - inf) and means nothing
  return Number.isFinite(sum) ? sum + c : sum;
}

/** @internal A mean with its standard error. */
export interface MeanWithError {
  mean: number;
  /** sqrt(sum_i (v_i - mean)^2 / (n - 1) / n): the standard error of the mean; NaN for n < 2. */
  standardError: number;
}

/**
 * @internal The mean of `v` (compensated sum / n; NaN when empty) and its standard error, the
 * sample standard deviation over sqrt(n), computed in two passes (llama.cpp's one-pass
 * sqrt((mean(v^2) - mean^2) / (n - 1)) is the same quantity, less accurate).
 */
export function meanWithError(v: Float64Array): MeanWithError {
  const n = v.length;
  const mean = n === 0 ? Number.NaN : compensatedSum(v) / n;
  if (n < 2) return { mean, standardError: Number.NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { mean, standardError: Math.sqrt(ss / (n - 1) / n) };
}

/**
 * @internal Pearson's correlation coefficient of `a` and `b`, in two passes:
 * sum (a - mean_a)(b - mean_b) / sqrt(sum (a - mean_a)^2 sum (b - mean_b)^2). NaN for n < 2 or
 * when either is constant (0 / 0).
 */
export function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  const ma = compensatedSum(a) / n;
  const mb = compensatedSum(b) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * @internal The q-th percentile (0 <= q <= 100) of ascending `sorted`, as NumPy's `np.percentile`
 * with its default 'linear' method computes it, operation for operation: the virtual index h = (n -
 * 1) (q / 100), then a + (b - a) g below g = h - floor(h) = 0.5 and b - (b - a)(1 - g) from 0.5 on,
 * between the order statistics a = sorted[floor(h)] and b = sorted[floor(h) + 1]. NaN when empty.
 */
export function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * (q / 100);
  if (h >= n - 1) return sorted[n - 1];
  if (h < 0) return sorted[0];
  const lo = Math.floor(h);
  const g = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/** @internal Order statistics of a sample: median, min, max and the percentiles asked for. */
export interface OrderStatistics {
  median: number;
  min: number;
  max: number;
  /** By `String(q)`: `'99.9'`, `'99'`, ... */
  percentiles: Record<string, number>;
}

/**
 * @internal Sorts a copy of `v` and reads the percentiles `qs`, the median (50) and the extremes.
 */
export function orderStatistics(v: Float64Array, qs: readonly number[]): OrderStatistics {
  const sorted = Float64Array.from(v).sort();
  const n = sorted.length;
  return {
    median: percentile(sorted, 50),
    min: n > 0 ? sorted[0] : Number.NaN,
    max: n > 0 ? sorted[n - 1] : Number.NaN,
    percentiles: Object.fromEntries(qs.map((q) => [String(q), percentile(sorted, q)])),
  };
}
