/**
 * The statistics of a {@link LogitsReport}, computed from its per-token arrays in token order:
 * the same arrays give bitwise the same result, however they were added or merged.
 *
 * @module
 */

import { type ReportColumns, SKIPPED } from './state.js';
import { correlation, meanWithError, type OrderStatistics, orderStatistics } from './statistics.js';

/**
 * @internal The KL percentiles of the report (`percentiles` keys are `String(q)`), the median
 * apart.
 */
export const KL_PERCENTILES: readonly number[] = [99.9, 99, 95, 90, 10, 5, 1, 0.1];

/** @internal The Δp percentiles (llama.cpp's list), the median apart. */
export const DELTA_P_PERCENTILES: readonly number[] = [99.9, 99, 95, 90, 75, 25, 10, 5, 1, 0.1];

/**
 * llama.cpp's perplexity statistics (`perplexity --kl-divergence`, with "compare" for its Q),
 * from the per-token log-probabilities a_i = log p_base(token_i) and b_i = log p_compare(token_i)
 * at the report's temperature, over the n counted tokens (skipped rows excluded; a token whose
 * log-probability is -inf makes its PPL +inf and the errors NaN). SE(v) is the standard error
 * of the mean of v: its sample standard deviation over sqrt(n).
 */
export interface PerplexityStatistics {
  /** PPL(base) = exp(mean_i -a_i). */
  base: number;
  /** PPL(base) SE(-a): the delta method's standard error. */
  baseStandardError: number;
  /** PPL(compare) = exp(mean_i -b_i). */
  compare: number;
  /** PPL(compare) SE(-b). */
  compareStandardError: number;
  /** mean_i (a_i - b_i) = ln(PPL(compare) / PPL(base)). */
  logRatio: number;
  /**
   * SE(a - b), which is llama.cpp's sqrt(SE(a)^2 + SE(b)^2 - 2 cov) with cov the covariance of
   * the two means, computed without its cancellation.
   */
  logRatioStandardError: number;
  /** PPL(compare) / PPL(base) = exp(logRatio). */
  ratio: number;
  /** ratio logRatioStandardError (delta method). */
  ratioStandardError: number;
  /** PPL(compare) - PPL(base). */
  difference: number;
  /**
   * llama.cpp's sqrt(se_c^2 + se_b^2 - 2 PPL(compare) PPL(base) cov), se_c and se_b the two
   * PPL standard errors and cov = sum_i (a_i - mean a)(b_i - mean b) / (n - 1) / n the
   * covariance of the means: computed as SE(PPL(compare) (-b) - PPL(base) (-a)), the same
   * quantity without its cancellation.
   */
  differenceStandardError: number;
  /**
   * Pearson's correlation of a and b (llama.cpp's "Cor(ln(PPL(Q)), ln(PPL(base)))": cov over
   * the product of the standard errors, the same number).
   */
  correlation: number;
}

/**
 * Statistics of Δp_i = p_compare(token_i) - p_base(token_i) = exp(b_i) - exp(a_i), over the
 * counted tokens (llama.cpp's token probability statistics). Probabilities in [0, 1], not
 * percent.
 */
export interface DeltaPStatistics {
  /** mean_i Δp_i. */
  mean: number;
  /** SE(Δp). */
  standardError: number;
  /** The 50th percentile. */
  median: number;
  min: number;
  max: number;
  /** By `String(q)` for q in 99.9, 99, 95, 90, 75, 25, 10, 5, 1, 0.1 (NumPy's linear method). */
  percentiles: Record<string, number>;
  /** RMS Δp = sqrt(mean_i Δp_i^2). */
  rms: number;
  /** SE(Δp^2) / (2 rms) (delta method; 0 when every Δp is 0, NaN for fewer than 2 tokens). */
  rmsStandardError: number;
}

/**
 * What {@link LogitsReport#result} returns (the object `kldiv logits --json` prints, with
 * {@link jsonFloatReplacer} for non-finite numbers). Statistics with nothing to count are NaN.
 */
export interface LogitsReportResult {
  /** Tokens counted: rows added (or merged) minus skipped rows. */
  tokens: number;
  /** The vocabulary size (0 before the first add). */
  vocab: number;
  /** The softmax temperature T; KL is reported at T (not multiplied by T^2). */
  temperature: number;
  /** Rows skipped for NaN / +inf logits or no finite logit (`nanRows: 'skip'`), in no statistic. */
  skippedRows: number;
  /** Tokens with a finite KL: those the KL statistics below are over. */
  finiteTokens: number;
  /** Tokens with KL = +inf (compare gives probability 0 where base does not). */
  infiniteTokens: number;
  /** Mean KL over the finite-KL tokens (compensated sum / finiteTokens). */
  mean: number;
  /** Its standard error: the sample standard deviation over sqrt(finiteTokens). */
  standardError: number;
  median: number;
  min: number;
  max: number;
  /** KL percentiles by `String(q)`: 99.9, 99, 95, 90, 10, 5, 1, 0.1 (NumPy's linear method). */
  percentiles: Record<string, number>;
  /** Fraction of counted tokens whose base and compare argmax agree. */
  sameTop1: number;
  /** sqrt(sameTop1 (1 - sameTop1) / (tokens - 1)), as llama.cpp. */
  sameTop1StandardError: number;
  /** With the `topK` option: k. */
  topK?: number;
  /** With `topK`: mean over counted tokens of |top-k(base) ∩ top-k(compare)| / k. */
  topKOverlap?: number;
  /** With tokens: the perplexity statistics. */
  perplexity?: PerplexityStatistics;
  /** With tokens: the Δp statistics. */
  deltaP?: DeltaPStatistics;
}

/** @internal What the result depends on besides the arrays. */
export interface ResultInput {
  rows: number;
  vocab: number | null;
  temperature: number;
  topK: number | undefined;
  withTokens: boolean | null;
  columns: ReportColumns;
}

/** The values of `v` at the kept rows (`keep[i]`), in order. */
function gather(v: Float64Array, keep: Uint8Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let o = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) out[o++] = v[i];
  return out;
}

/** @internal Computes every statistic of the report. */
export function computeResult(r: ResultInput): LogitsReportResult {
  const { rows, columns: c } = r;
  const counted = new Uint8Array(rows);
  const finite = new Uint8Array(rows);
  let tokens = 0;
  let finiteTokens = 0;
  let infiniteTokens = 0;
  let same = 0;
  let shared = 0;
  for (let i = 0; i < rows; i++) {
    if (c.top1Base[i] === SKIPPED) continue;
    counted[i] = 1;
    tokens++;
    const kl = c.kl[i];
    if (Number.isFinite(kl)) {
      finite[i] = 1;
      finiteTokens++;
    } else if (kl === Number.POSITIVE_INFINITY) {
      infiniteTokens++;
    }
    if (c.top1Base[i] === c.top1Compare[i]) same++;
    if (c.topKShared !== null) shared += c.topKShared[i];
  }
  const kl = gather(c.kl, finite, finiteTokens);
  const { mean, standardError } = meanWithError(kl);
  const order: OrderStatistics = orderStatistics(kl, KL_PERCENTILES);
  const p = tokens > 0 ? same / tokens : Number.NaN;
  const result: LogitsReportResult = {
    tokens,
    vocab: r.vocab ?? 0,
    temperature: r.temperature,
    skippedRows: rows - tokens,
    finiteTokens,
    infiniteTokens,
    mean,
    standardError,
    median: order.median,
    min: order.min,
    max: order.max,
    percentiles: order.percentiles,
    sameTop1: p,
    sameTop1StandardError: tokens > 1 ? Math.sqrt((p * (1 - p)) / (tokens - 1)) : Number.NaN,
  };
  if (r.topK !== undefined) {
    result.topK = r.topK;
    result.topKOverlap = tokens > 0 ? shared / (r.topK * tokens) : Number.NaN;
  }
  if (r.withTokens === true && c.logProbBase !== null && c.logProbCompare !== null) {
    const a = gather(c.logProbBase, counted, tokens);
    const b = gather(c.logProbCompare, counted, tokens);
    result.perplexity = perplexityStatistics(a, b);
    result.deltaP = deltaPStatistics(a, b);
  }
  return result;
}

/** {@link PerplexityStatistics} of the log-probabilities a (base) and b (compare). */
function perplexityStatistics(a: Float64Array, b: Float64Array): PerplexityStatistics {
  const n = a.length;
  const nllA = a.map((v) => -v);
  const nllB = b.map((v) => -v);
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = a[i] - b[i];
  const base = meanWithError(nllA);
  const compare = meanWithError(nllB);
  const ratio = meanWithError(diff);
  const pplBase = Math.exp(base.mean);
  const pplCompare = Math.exp(compare.mean);
  const seBase = pplBase * base.standardError;
  const seCompare = pplCompare * compare.standardError;
  // se_c^2 + se_b^2 - 2 PPL(compare) PPL(base) cov is the squared standard error of the mean
  // of w_i = PPL(compare) nll_compare_i - PPL(base) nll_base_i: computed from w, it cannot cancel
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = pplCompare * nllB[i] - pplBase * nllA[i];
  const r = Math.exp(ratio.mean);
  return {
    base: pplBase,
    baseStandardError: seBase,
    compare: pplCompare,
    compareStandardError: seCompare,
    logRatio: ratio.mean,
    logRatioStandardError: ratio.standardError,
    ratio: r,
    ratioStandardError: r * ratio.standardError,
    difference: pplCompare - pplBase,
    differenceStandardError: meanWithError(w).standardError,
    correlation: correlation(a, b),
  };
}

/** {@link DeltaPStatistics} of the log-probabilities a (base) and b (compare). */
function deltaPStatistics(a: Float64Array, b: Float64Array): DeltaPStatistics {
  const n = a.length;
  const dp = new Float64Array(n);
  const dp2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    dp[i] = Math.exp(b[i]) - Math.exp(a[i]);
    dp2[i] = dp[i] * dp[i];
  }
  const { mean, standardError } = meanWithError(dp);
  const order = orderStatistics(dp, DELTA_P_PERCENTILES);
  const sq = meanWithError(dp2);
  const rms = Math.sqrt(sq.mean);
  return {
    mean,
    standardError,
    median: order.median,
    min: order.min,
    max: order.max,
    percentiles: order.percentiles,
    rms,
    rmsStandardError: rms > 0 ? sq.standardError / (2 * rms) : rms === 0 && n > 1 ? 0 : Number.NaN,
  };
}
