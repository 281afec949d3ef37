/**
 * {@link LogitsReport}: the model-comparison report of `kldiv logits` as a library. Add chunks
 * of base and compare logits (and, optionally, the next-token ids), read llama.cpp-style
 * statistics, ship states between workers or machines and merge them exactly.
 *
 * @module
 */

import { ArgumentError, describe, formatShape, ShapeError } from '../errors.js';
import {
  ROW_KL,
  ROW_LOGP_BASE,
  ROW_LOGP_COMPARE,
  ROW_OK,
  ROW_SLOTS,
  ROW_TOP1_BASE,
  ROW_TOP1_COMPARE,
  reportRow,
  topKShared,
} from '../kernels/js/report-rows.js';
import { checkOptions, numberOption } from '../options.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { TensorLike } from '../tensor/tensor.js';
import { copyColumns, reserveColumns } from './columns.js';
import { logits, nonFinite, readTokens } from './inputs.js';
import { computeResult, type LogitsReportResult } from './result.js';
import {
  badState,
  type DecodedState,
  decodeState,
  encodeArray,
  type LogitsReportState,
  type ReportColumns,
  SKIPPED,
  STATE_VERSION,
} from './state.js';
import type { LogitsReportAddOptions, LogitsReportOptions, LogitsReportPerToken } from './types.js';

const NAN_ROWS = ['error', 'skip'] as const;

/**
 * The model-comparison report of `kldiv logits`: per token, KL(base || compare) between
 * p = softmax(base / T) and q = softmax(compare / T) (float64 arithmetic on float32 or float64
 * logits, SciPy's `rel_entr` convention: a -inf base logit adds 0 whatever compare says, a
 * finite base logit facing a -inf compare logit makes the token's KL +inf), top-1 agreement,
 * top-k overlap and, given the next-token ids, llama.cpp's perplexity and Δp statistics.
 *
 * Logits are `[..., vocab]`: every leading dimension flattens to tokens (`[batch, seq, vocab]`
 * is batch x seq tokens, in row-major order). `add` may be called any number of times (chunks
 * of a long file); `state()` is a JSON-safe snapshot holding the per-token values, so
 * `merge` (of reports or states, appending the other's tokens) gives bitwise the report of one
 * run over the concatenated inputs, percentiles included. `result()` reports KL at temperature
 * T (not multiplied by T^2); KL statistics are over the tokens of finite KL, and the result
 * counts the others (`infiniteTokens`).
 *
 * @throws {ArgumentError} `E_UNKNOWN_OPTION` for an option other than `temperature`, `topK`,
 *   `nanRows`; `E_OPTION_TYPE` / `E_OPTION_RANGE` for a temperature that is not a finite number
 *   > 0, a topK that is not an integer >= 1, a nanRows other than `'error'` and `'skip'`.
 *
 * @example
 * ```ts
 * import { LogitsReport } from 'kldiv/report';
 * const base = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0]];
 * const compare = [[1.8, 0.7, -1.0], [0.3, 0.0, 2.5], [1.2, 0.9, 1.0]];
 * const report = new LogitsReport({ topK: 2 }).add(base, compare, { tokens: [0, 2, 1] });
 * const r = report.result();
 * console.log(r.tokens, r.mean.toFixed(6), r.sameTop1, r.topKOverlap); // 3 0.012164 1 0.6666666666666666
 * console.log(r.perplexity?.base.toFixed(4), r.perplexity?.compare.toFixed(4)); // 1.6212 1.7909
 * console.log(report.perToken().top1Compare); // Int32Array(3) [ 0, 2, 0 ]
 * // shards merge exactly, through JSON too
 * const shard = new LogitsReport({ topK: 2 }).add(base, compare, { tokens: [0, 2, 1] });
 * const copy = LogitsReport.fromState(JSON.parse(JSON.stringify(shard.state())));
 * console.log(copy.merge(report).result().tokens); // 6
 * ```
 */
export class LogitsReport {
  private readonly temperature: number;
  private readonly topK: number | undefined;
  private readonly nanRows: 'error' | 'skip';
  private vocab: number | null = null;
  private withTokens: boolean | null = null;
  private rows = 0;
  private skippedRows = 0;
  /** The per-row arrays, `capacity` long, valid up to `rows`. */
  private columns: ReportColumns;
  private capacity = 0;
  /** The row kernel's output slots, and the top-k scratch (allocated once the vocab is known). */
  private readonly out = new Float64Array(ROW_SLOTS);
  private heap: Int32Array | null = null;
  private mark: Uint8Array | null = null;

  constructor(options?: LogitsReportOptions) {
    const fn = 'LogitsReport';
    const opts = checkOptions<LogitsReportOptions>(options, ['temperature', 'topK', 'nanRows'], fn);
    this.temperature = numberOption(
      opts.temperature,
      1,
      fn,
      'temperature',
      (v) => v > 0 && Number.isFinite(v),
      'a finite number > 0',
    );
    this.topK = numberOption(
      opts.topK,
      undefined,
      fn,
      'topK',
      (v) => Number.isInteger(v) && v >= 1 && v <= 2 ** 31 - 1,
      'an integer >= 1',
    );
    const nanRows = opts.nanRows ?? 'error';
    if (!NAN_ROWS.includes(nanRows)) {
      const type = typeof nanRows === 'string';
      throw new ArgumentError(
        `${fn}: option 'nanRows' must be 'error' or 'skip'; received ${describe(nanRows)}.`,
        {
          code: type ? 'E_OPTION_RANGE' : 'E_OPTION_TYPE',
          fn,
          argument: 'nanRows',
          received: nanRows,
        },
      );
    }
    this.nanRows = nanRows;
    this.columns = {
      kl: new Float64Array(0),
      top1Base: new Int32Array(0),
      top1Compare: new Int32Array(0),
      topKShared: this.topK === undefined ? null : new Int32Array(0),
      logProbBase: null,
      logProbCompare: null,
    };
  }

  /**
   * Adds a chunk of tokens: `base` and `compare` logits of one shape `[..., vocab]` (a Tensor,
   * nested arrays, a Float32Array / Float64Array with vocab = its length, or another library's
   * tensor, as `tensor()` reads them), float32 or float64. The chunk's tokens come after every
   * token added or merged before. Atomic: a call that throws leaves the report unchanged.
   *
   * @throws {ArgumentError} `E_NON_FINITE` (with `nanRows: 'error'`) for a row holding NaN or
   *   +inf, or no finite logit, naming the side, the row (counted over the whole report) and the
   *   vocab index; `E_OPTION_RANGE` for token ids outside [0, vocab) or a topK above the vocab;
   *   `E_OPTION_TYPE` for tokens of another type; `E_INVALID_STATE` when tokens are given but
   *   earlier adds gave none, or the reverse; `E_UNKNOWN_OPTION`; `E_INVALID_DATA` as `tensor()`.
   * @throws {ShapeError} `E_SHAPE_MISMATCH` for shapes that differ, a vocabulary that differs
   *   from earlier adds, or a tokens count other than the rows; `E_INVALID_SHAPE` for a 0-d
   *   tensor or a vocabulary of 0.
   * @throws {DTypeError} `E_INTEGRAL_INPUT` for int32 logits.
   */
  add(base: TensorLike, compare: TensorLike, options?: LogitsReportAddOptions): this {
    const fn = 'LogitsReport.add';
    const opts = checkOptions<LogitsReportAddOptions>(options, ['tokens'], fn);
    const b = logits(base, fn, 'base');
    const c = logits(compare, fn, 'compare');
    if (b.shape.length !== c.shape.length || b.shape.some((d, i) => d !== c.shape[i])) {
      throw new ShapeError(
        `${fn}: arguments 'base' and 'compare' must have the same shape; received ${formatShape(b.shape)} and ${formatShape(c.shape)}.`,
        { code: 'E_SHAPE_MISMATCH', fn, argument: 'compare', received: [...c.shape] },
      );
    }
    const V = b.shape[b.shape.length - 1];
    if (this.vocab !== null && V !== this.vocab) {
      throw new ShapeError(
        `${fn}: argument 'base' must have this report's vocabulary size ${this.vocab} as its last dimension; received shape ${formatShape(b.shape)}.`,
        { code: 'E_SHAPE_MISMATCH', fn, argument: 'base', received: [...b.shape] },
      );
    }
    const withTokens = opts.tokens !== undefined;
    if (this.withTokens !== null && withTokens !== this.withTokens) {
      throw new ArgumentError(
        this.withTokens
          ? `${fn}: option 'tokens' must be given: earlier adds of this report gave tokens, and a report's statistics are either all with tokens or all without.`
          : `${fn}: option 'tokens' must not be given: earlier adds of this report gave none, and a report's statistics are either all with tokens or all without.`,
        { code: 'E_INVALID_STATE', fn, argument: 'tokens', received: opts.tokens },
      );
    }
    if (this.topK !== undefined && this.topK > V) {
      throw new ArgumentError(
        `${fn}: option 'topK' (${this.topK}) must be at most the vocabulary size; received logits of shape ${formatShape(b.shape)}.`,
        { code: 'E_OPTION_RANGE', fn, argument: 'topK', received: this.topK },
      );
    }
    const n = b.numel / V;
    const tokens = withTokens ? readTokens(opts.tokens, n, V, fn) : null;
    this.reserve(this.rows + n, withTokens);
    if (this.topK !== undefined && (this.mark === null || this.mark.length < V)) {
      // once per report: V is fixed from the first successful add on
      this.heap = new Int32Array(2 * this.topK);
      this.mark = new Uint8Array(V);
    }
    const x = b.data as FloatArray;
    const y = c.data as FloatArray;
    const k = 1 / this.temperature;
    const out = this.out;
    const col = this.columns;
    let skipped = 0;
    for (let i = 0; i < n; i++) {
      const at = this.rows + i;
      const status = reportRow(V, k, x, i * V, y, i * V, tokens === null ? -1 : tokens[i], out);
      if (status !== ROW_OK) {
        if (this.nanRows === 'error') throw nonFinite(fn, status, at, out);
        skipped++;
        col.kl[at] = Number.NaN;
        col.top1Base[at] = SKIPPED;
        col.top1Compare[at] = SKIPPED;
        if (col.topKShared !== null) col.topKShared[at] = SKIPPED;
        if (tokens !== null) {
          (col.logProbBase as Float64Array)[at] = Number.NaN;
          (col.logProbCompare as Float64Array)[at] = Number.NaN;
        }
        continue;
      }
      col.kl[at] = out[ROW_KL];
      col.top1Base[at] = out[ROW_TOP1_BASE];
      col.top1Compare[at] = out[ROW_TOP1_COMPARE];
      if (col.topKShared !== null) {
        col.topKShared[at] = topKShared(
          V,
          this.topK as number,
          x,
          i * V,
          y,
          i * V,
          this.heap as Int32Array,
          this.mark as Uint8Array,
        );
      }
      if (tokens !== null) {
        (col.logProbBase as Float64Array)[at] = out[ROW_LOGP_BASE];
        (col.logProbCompare as Float64Array)[at] = out[ROW_LOGP_COMPARE];
      }
    }
    // commit: nothing above changed what the report holds
    this.rows += n;
    this.skippedRows += skipped;
    this.vocab = V;
    this.withTokens = withTokens;
    return this;
  }

  /**
   * Appends another report's tokens (or those of a `state()`, e.g. parsed from JSON) after this
   * one's. Both must have the same temperature, topK and vocabulary, and both tokens or neither
   * (an empty report or state matches any); `nanRows` may differ (merged rows come as their
   * report judged them).
   *
   * @throws {ArgumentError} `E_INVALID_STATE` naming the field of an incompatible or malformed
   *   state (version, kind, temperature, topK, vocab, withTokens, an array of the wrong length,
   *   a value out of range).
   */
  merge(other: LogitsReport | LogitsReportState): this {
    const fn = 'LogitsReport.merge';
    return this.append(
      other instanceof LogitsReport ? other.snapshot() : decodeState(other, fn, 'other'),
      fn,
    );
  }

  /**
   * A report from a `state()` (e.g. parsed from JSON), with the state's options.
   *
   * @throws {ArgumentError} `E_INVALID_STATE` naming the field of a malformed state.
   *
   * @example
   * ```ts
   * import { LogitsReport } from 'kldiv/report';
   * const report = new LogitsReport({ temperature: 2 }).add([[0, -Infinity, 1]], [[0, 5, -Infinity]]);
   * const json = JSON.stringify(report.state()); // +inf KL survives JSON (in base64)
   * const back = LogitsReport.fromState(JSON.parse(json));
   * console.log(back.result().infiniteTokens, back.perToken().kl); // 1 Float64Array(1) [ Infinity ]
   * ```
   */
  static fromState(state: LogitsReportState): LogitsReport {
    const s = decodeState(state, 'LogitsReport.fromState', 'state');
    const r = new LogitsReport({ temperature: s.temperature, topK: s.topK, nanRows: s.nanRows });
    return r.append(s, 'LogitsReport.fromState');
  }

  /**
   * A copy of the report's state, safe to serialise with `JSON.stringify` (bit-exact: the
   * per-token arrays are base64 of little-endian bytes) and to merge or restore elsewhere.
   *
   * @example
   * ```ts
   * import { LogitsReport } from 'kldiv/report';
   * const s = new LogitsReport().add([[1, 2]], [[2, 1]]).state();
   * console.log(s.version, s.kind, s.vocab, s.rows, s.kl.length); // 1 logitsReport 2 1 12
   * ```
   */
  state(): LogitsReportState {
    const c = this.columns;
    const n = this.rows;
    const s: LogitsReportState = {
      version: STATE_VERSION,
      kind: 'logitsReport',
      temperature: this.temperature,
      topK: this.topK ?? null,
      nanRows: this.nanRows,
      vocab: this.vocab,
      withTokens: this.withTokens,
      rows: n,
      skippedRows: this.skippedRows,
      kl: encodeArray(c.kl, n),
      top1Base: encodeArray(c.top1Base, n),
      top1Compare: encodeArray(c.top1Compare, n),
    };
    if (c.topKShared !== null) s.topKShared = encodeArray(c.topKShared, n);
    if (this.withTokens === true) {
      s.logProbBase = encodeArray(c.logProbBase as Float64Array, n);
      s.logProbCompare = encodeArray(c.logProbCompare as Float64Array, n);
    }
    return s;
  }

  /**
   * Every statistic of the report (see {@link LogitsReportResult}), computed from the per-token
   * values in token order. Nothing added: tokens 0 and NaN statistics.
   *
   * @example
   * ```ts
   * import { LogitsReport } from 'kldiv/report';
   * const r = new LogitsReport({ nanRows: 'skip' })
   *   .add([[0, 1], [NaN, 0], [1, 0]], [[0, 1], [0, 0], [0, 1]])
   *   .result();
   * console.log(r.tokens, r.skippedRows, r.sameTop1, r.max.toFixed(4)); // 2 1 0.5 0.4621
   * ```
   */
  result(): LogitsReportResult {
    return computeResult({
      rows: this.rows,
      vocab: this.vocab,
      temperature: this.temperature,
      topK: this.topK,
      withTokens: this.withTokens,
      columns: this.columns,
    });
  }

  /**
   * Copies of the per-token values in add order (for a CSV or a plot), one entry per row added
   * or merged; a skipped row holds NaN and -1.
   *
   * @example
   * ```ts
   * import { LogitsReport } from 'kldiv/report';
   * const t = new LogitsReport().add([[0, 0], [2, 0]], [[0, 0], [0, 2]], { tokens: [1, 0] }).perToken();
   * console.log(t.kl[0], t.top1Base, t.deltaP?.[0]); // 0 Int32Array(2) [ 0, 0 ] 0
   * ```
   */
  perToken(): LogitsReportPerToken {
    const c = this.columns;
    const n = this.rows;
    const t: LogitsReportPerToken = {
      kl: c.kl.slice(0, n),
      top1Base: c.top1Base.slice(0, n),
      top1Compare: c.top1Compare.slice(0, n),
    };
    if (c.topKShared !== null) t.topKShared = c.topKShared.slice(0, n);
    if (this.withTokens === true && c.logProbBase !== null && c.logProbCompare !== null) {
      const a = c.logProbBase.slice(0, n);
      const b = c.logProbCompare.slice(0, n);
      t.logProbBase = a;
      t.logProbCompare = b;
      t.deltaP = new Float64Array(n);
      for (let i = 0; i < n; i++) t.deltaP[i] = Math.exp(b[i]) - Math.exp(a[i]);
    }
    return t;
  }

  /** This report as a decoded state (views of its arrays, not copies). */
  private snapshot(): DecodedState {
    return {
      temperature: this.temperature,
      topK: this.topK,
      nanRows: this.nanRows,
      vocab: this.vocab,
      withTokens: this.withTokens,
      rows: this.rows,
      skippedRows: this.skippedRows,
      // the arrays as they are now: merging a report into itself grows them
      columns: { ...this.columns },
    };
  }

  /** Appends a validated state after checking that it fits this report. */
  private append(o: DecodedState, fn: string): this {
    const mismatch = (field: string, mine: unknown, theirs: unknown) =>
      badState(fn, `other.${field}`, `${describe(mine)}, this report's`, theirs);
    if (!Object.is(o.temperature, this.temperature)) {
      throw mismatch('temperature', this.temperature, o.temperature);
    }
    if (o.topK !== this.topK) throw mismatch('topK', this.topK ?? null, o.topK ?? null);
    if (this.vocab !== null && o.vocab !== null && o.vocab !== this.vocab) {
      throw mismatch('vocab', this.vocab, o.vocab);
    }
    if (this.withTokens !== null && o.withTokens !== null && o.withTokens !== this.withTokens) {
      throw mismatch('withTokens', this.withTokens, o.withTokens);
    }
    if (o.vocab === null) return this;
    const withTokens = o.withTokens === true;
    this.reserve(this.rows + o.rows, withTokens);
    const at = this.rows;
    copyColumns(this.columns, at, o.columns, o.rows, withTokens);
    this.rows += o.rows;
    this.skippedRows += o.skippedRows;
    this.vocab = o.vocab;
    this.withTokens = o.withTokens;
    return this;
  }

  /** Grows the arrays to hold `rows` rows (the token arrays once tokens are given). */
  private reserve(rows: number, withTokens: boolean): void {
    this.capacity = reserveColumns(this.columns, this.rows, this.capacity, rows, withTokens);
  }
}
