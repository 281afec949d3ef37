/**
 * Per-token KL binned on a log10 axis. Language-model KL spans many decades (most tokens near
 * 1e-4, a tail past 1), so equal-width bins would put almost every token in the first bar.
 */
import { nonFinite } from './check.js';

/** One bar: tokens with `10^x0 <= KL < 10^x1` (the last bar also holds `10^x1`). */
export interface LogBin {
  x0: number;
  x1: number;
  count: number;
}

/** The binned KL and what falls outside the bins. */
export interface LogBins {
  /** log10 of the lowest bin edge: KL below `10^lo`, or <= 0, is underflow. */
  lo: number;
  /** log10 of the highest bin edge (an integer at least `lo + 1`). */
  hi: number;
  binsPerDecade: number;
  /** Every bin from `lo` to `hi`, empty ones included. */
  bins: LogBin[];
  /** Tokens with KL exactly 0, below 0 by rounding, or below `10^lo`. */
  underflow: number;
  /** Tokens with KL = +Infinity: counted, never binned. */
  infinite: number;
  /** Every token. */
  total: number;
}

/** Options of {@link logBins}. */
export interface LogBinOptions {
  /** Bars per factor of ten (default 10). */
  binsPerDecade?: number;
  /**
   * The lowest bin edge. Default: the power of ten at or below the smallest positive KL, but at
   * most `maxDecades` below the highest edge.
   */
  minKl?: number;
  /** Decades shown at most when `minKl` is not given (default 8). */
  maxDecades?: number;
}

/**
 * Bins `kl` into `binsPerDecade` bars per decade between integer powers of ten. NaN or -Infinity
 * throws `E_NON_FINITE` naming `fn`.
 *
 * @example
 * ```ts
 * const b = logBins(new Float64Array([0, 2e-5, 3e-3, 0.5, Infinity]), { binsPerDecade: 1 }, 'demo');
 * console.log(b.lo, b.hi, b.bins.map((x) => x.count).join(), b.underflow, b.infinite); // -5 0 1,0,1,0,1 1 1
 * ```
 */
export function logBins(kl: ArrayLike<number>, opts: LogBinOptions, fn: string): LogBins {
  const perDecade = opts.binsPerDecade ?? 10;
  let minPos = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let infinite = 0;
  for (let i = 0; i < kl.length; i++) {
    const v = kl[i];
    if (v === Number.POSITIVE_INFINITY) infinite++;
    else if (Number.isNaN(v) || v === Number.NEGATIVE_INFINITY)
      nonFinite(fn, 'kl', i, v, 'KL is a number >= 0 or +Infinity (counted, not drawn)');
    else if (v > 0) {
      if (v < minPos) minPos = v;
      if (v > max) max = v;
    }
  }
  let lo: number;
  let hi: number;
  if (max > 0) {
    hi = Math.ceil(Math.log10(max)) || 0; // not -0 (KL below 1)
    lo =
      opts.minKl !== undefined
        ? Math.floor(Math.log10(opts.minKl))
        : Math.max(Math.floor(Math.log10(minPos)), hi - (opts.maxDecades ?? 8));
  } else {
    // nothing positive and finite: an axis around minKl (or 1e-6) with only the underflow bar
    lo = Math.floor(Math.log10(opts.minKl ?? 1e-6));
    hi = lo + 1;
  }
  if (hi <= lo) hi = lo + 1;
  const n = (hi - lo) * perDecade;
  const counts = new Array<number>(n).fill(0);
  const floor = 10 ** lo;
  let underflow = 0;
  for (let i = 0; i < kl.length; i++) {
    const v = kl[i];
    if (v === Number.POSITIVE_INFINITY) continue;
    if (!(v >= floor)) {
      underflow++;
      continue;
    }
    const k = Math.floor((Math.log10(v) - lo) * perDecade);
    counts[Math.min(n - 1, Math.max(0, k))]++;
  }
  return {
    lo,
    hi,
    binsPerDecade: perDecade,
    bins: counts.map((count, i) => ({
      x0: lo + i / perDecade,
      x1: lo + (i + 1) / perDecade,
      count,
    })),
    underflow,
    infinite,
    total: kl.length,
  };
}
