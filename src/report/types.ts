/** The public option and output types of {@link LogitsReport}. */
import type { Tensor } from '../tensor/tensor.js';
import type { LogitsReport } from './logits-report.js';

/** Options of {@link LogitsReport}, fixed for the report's life. */
export interface LogitsReportOptions {
  /** Softmax temperature T (default 1): p = softmax(base / T), q = softmax(compare / T). */
  temperature?: number;
  /** Also report the mean overlap of the top-k tokens (an integer >= 1, at most the vocabulary). */
  topK?: number;
  /**
   * What `add` does with a row holding NaN or +inf, or no finite logit (all -inf), in base or
   * compare: `'error'` (default) throws `E_NON_FINITE`; `'skip'` leaves the row out of every
   * statistic and counts it in `skippedRows`.
   */
  nanRows?: 'error' | 'skip';
}

/** Next-token ids: one per token (row), each in [0, vocab). */
export type TokenIds =
  | Int32Array
  | BigInt64Array
  | readonly number[]
  | readonly number[][]
  | Tensor;

/** Options of {@link LogitsReport#add}. */
export interface LogitsReportAddOptions {
  /**
   * The id of the token that followed each row (the next token, whose probability the
   * perplexity and Δp statistics read). Either every add of a report gives tokens or none does.
   */
  tokens?: TokenIds;
}

/** The per-token values of a report, in add order, skipped rows included (as NaN and -1). */
export interface LogitsReportPerToken {
  /** KL(base || compare) per row (+inf where compare gives 0 to a base token; NaN if skipped). */
  kl: Float64Array;
  /** argmax of the base logits (lowest index on ties; -1 if skipped). */
  top1Base: Int32Array;
  /** argmax of the compare logits (-1 if skipped). */
  top1Compare: Int32Array;
  /** With `topK`: how many of the k top indices the two rows share (-1 if skipped). */
  topKShared?: Int32Array;
  /** With tokens: log p_base(token) (NaN if skipped). */
  logProbBase?: Float64Array;
  /** With tokens: log p_compare(token) (NaN if skipped). */
  logProbCompare?: Float64Array;
  /** With tokens: p_compare(token) - p_base(token) (NaN if skipped). */
  deltaP?: Float64Array;
}
