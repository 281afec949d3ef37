/**
 * kldiv/report: the model-comparison report of `kldiv logits` as a library (per-token KL,
 * top-1 agreement, perplexity and Δp), accumulated over chunks, mergeable across shards.
 *
 * @module kldiv/report
 */
export { type FormatLogitsReportOptions, formatLogitsReport } from './format.js';
export { jsonFloatReplacer } from './json.js';
export { LogitsReport } from './logits-report.js';
export type { DeltaPStatistics, LogitsReportResult, PerplexityStatistics } from './result.js';
export type { LogitsReportState } from './state.js';
export type {
  LogitsReportAddOptions,
  LogitsReportOptions,
  LogitsReportPerToken,
  TokenIds,
} from './types.js';
