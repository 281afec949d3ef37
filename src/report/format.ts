/**
 * The report as text: the lines `kldiv logits` prints, so that a page prints the same.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { checkOptions } from '../options.js';
import { DELTA_P_PERCENTILES, KL_PERCENTILES, type LogitsReportResult } from './result.js';

/** Options of {@link formatLogitsReport}. */
export interface FormatLogitsReportOptions {
  /** What is compared, e.g. `'base.npy vs q4.npy'`: shown in the first line. */
  title?: string;
}

/** Fixed-point with `digits` decimals; non-finite numbers as C's printf: `inf`, `-inf`, `nan`. */
function fixed(v: number, digits: number): string {
  if (Number.isFinite(v)) return v.toFixed(digits);
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

const f6 = (v: number) => fixed(v, 6);
/** A probability as a percentage with 3 decimals. */
const pct = (v: number) => fixed(100 * v, 3);
/** `99.9%  ` and the like: the 7-character labels of the percentile lines. */
const label = (q: number) => `${q}%`.padEnd(7);

/**
 * The report as text, one statistic per line, in the layout of llama.cpp's `perplexity
 * --kl-divergence`. Without tokens: the title line, then KLD mean ± standard error, maximum,
 * the percentiles 99.9 to 90, median, 10 to 0.1, minimum, top-1 agreement (and top-k overlap).
 * With tokens, three sections: perplexity statistics, the KLD lines, token probability (Δp)
 * statistics. A line counting skipped rows, and one counting tokens of infinite KL (which the
 * KLD lines leave out), appear after the title when there are any. Non-finite numbers print as
 * `inf`, `-inf`, `nan`.
 *
 * @throws {ArgumentError} `E_UNKNOWN_OPTION` for an option other than `title`, `E_OPTION_TYPE`
 *   for a title that is not a string.
 *
 * @example
 * ```ts
 * import { formatLogitsReport, LogitsReport } from 'kldiv/report';
 * const report = new LogitsReport().add(
 *   [[2, 1, 0], [0, 3, 1]],
 *   [[2, 0.5, 0], [1, 3, 0]],
 * );
 * console.log(formatLogitsReport(report.result(), { title: 'a.npy vs b.npy' }));
 * // KL(base || compare) per token: a.npy vs b.npy, 2 tokens x 3 vocab, T = 1
 * // Mean    KLD: 0.046650 ± 0.025536
 * // Maximum KLD: 0.072185
 * // 99.9%   KLD: 0.072134
 * // 99%     KLD: 0.071674
 * // 95%     KLD: 0.069632
 * // 90%     KLD: 0.067078
 * // Median  KLD: 0.046650
 * // 10%     KLD: 0.026221
 * // 5%      KLD: 0.023668
 * // 1%      KLD: 0.021625
 * // 0.1%    KLD: 0.021165
 * // Minimum KLD: 0.021114
 * // Same top-1: 100.000 ± 0.000 %
 * ```
 */
export function formatLogitsReport(
  result: LogitsReportResult,
  options?: FormatLogitsReportOptions,
): string {
  const fn = 'formatLogitsReport';
  const { title } = checkOptions<FormatLogitsReportOptions>(options, ['title'], fn);
  if (title !== undefined && typeof title !== 'string') {
    throw new ArgumentError(
      `${fn}: option 'title' must be a string; received ${describe(title)}.`,
      {
        code: 'E_OPTION_TYPE',
        fn,
        argument: 'title',
        received: title,
      },
    );
  }
  const r = result;
  const lines = [
    `KL(base || compare) per token${title ? `: ${title}` : ''}, ${r.tokens} tokens x ${r.vocab} vocab, T = ${r.temperature}`,
  ];
  if (r.skippedRows > 0) {
    lines.push(`Skipped rows: ${r.skippedRows} (NaN or +inf logits, or no finite logit)`);
  }
  if (r.infiniteTokens > 0) {
    lines.push(
      `Infinite KLD: ${r.infiniteTokens} tokens (compare gives probability 0 where base does not); the KLD lines are over the other ${r.finiteTokens}`,
    );
  }
  const ppl = r.perplexity;
  if (ppl !== undefined) {
    const row = (name: string, text: string) => `${name.padEnd(36)}: ${text}`;
    lines.push(
      '',
      '====== Perplexity statistics ======',
      row('Mean PPL(compare)', `${f6(ppl.compare)} ± ${f6(ppl.compareStandardError)}`),
      row('Mean PPL(base)', `${f6(ppl.base)} ± ${f6(ppl.baseStandardError)}`),
      row('Cor(ln(PPL(compare)), ln(PPL(base)))', `${fixed(100 * ppl.correlation, 2)}%`),
      row(
        'Mean ln(PPL(compare)/PPL(base))',
        `${f6(ppl.logRatio)} ± ${f6(ppl.logRatioStandardError)}`,
      ),
      row('Mean PPL(compare)/PPL(base)', `${f6(ppl.ratio)} ± ${f6(ppl.ratioStandardError)}`),
      row(
        'Mean PPL(compare)-PPL(base)',
        `${f6(ppl.difference)} ± ${f6(ppl.differenceStandardError)}`,
      ),
      '',
      '====== KL divergence statistics ======',
    );
  }
  const q = r.percentiles;
  lines.push(
    `Mean    KLD: ${f6(r.mean)} ± ${f6(r.standardError)}`,
    `Maximum KLD: ${f6(r.max)}`,
    ...KL_PERCENTILES.filter((p) => p > 50).map((p) => `${label(p)} KLD: ${f6(q[String(p)])}`),
    `Median  KLD: ${f6(r.median)}`,
    ...KL_PERCENTILES.filter((p) => p < 50).map((p) => `${label(p)} KLD: ${f6(q[String(p)])}`),
    `Minimum KLD: ${f6(r.min)}`,
  );
  const dp = r.deltaP;
  if (dp !== undefined) {
    const dq = dp.percentiles;
    lines.push(
      '',
      '====== Token probability statistics ======',
      `Mean    Δp: ${pct(dp.mean)} ± ${pct(dp.standardError)} %`,
      `Maximum Δp: ${pct(dp.max)}%`,
      ...DELTA_P_PERCENTILES.filter((p) => p > 50).map(
        (p) => `${label(p)} Δp: ${pct(dq[String(p)])}%`,
      ),
      `Median  Δp: ${pct(dp.median)}%`,
      ...DELTA_P_PERCENTILES.filter((p) => p < 50).map(
        (p) => `${label(p)} Δp: ${pct(dq[String(p)])}%`,
      ),
      `Minimum Δp: ${pct(dp.min)}%`,
      `RMS Δp    : ${pct(dp.rms)} ± ${pct(dp.rmsStandardError)} %`,
    );
  }
  lines.push(`Same top-1: ${pct(r.sameTop1)} ± ${pct(r.sameTop1StandardError)} %`);
  if (r.topK !== undefined) {
    lines.push(`Top-${r.topK} overlap: ${pct(r.topKOverlap ?? Number.NaN)} %`);
  }
  return lines.join('\n');
}
