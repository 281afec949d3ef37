/**
 * Streaming KL divergence: feed chunks of rows, get every reduction at the end, merge partial
 * results computed elsewhere. Nothing of the whole data set is ever held.
 *
 * @module
 */

import { ArgumentError, describe, inPublicCall } from '../errors.js';
import { klDivSum } from '../functional/kl-div.js';
import { type KLDivOptions, prepareKlDiv } from '../functional/kl-div-args.js';
import {
  type KLDivWithLogitsOptions,
  logitsKlSum,
  prepareLogitsKl,
} from '../functional/kl-div-with-logits.js';
import { keptRows } from '../functional/logits-args.js';
import { checkBoolean, checkOptions, numberOption } from '../options.js';
import { accumulatedReduction, batchDivisor } from '../reduction.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/**
 * A float64 in JSON, which has no infinities or NaN: finite numbers as numbers, the others as
 * the strings the project's fixtures use (`'inf'`, `'-inf'`, `'nan'`).
 */
export type JsonFloat = number | 'inf' | '-inf' | 'nan';

/** The version of {@link AccumulatorState} this kldiv writes and merges. */
const STATE_VERSION = 1;

/**
 * The JSON-serialisable state of an accumulator (what `merge` combines): `JSON.stringify` and
 * `JSON.parse` keep it whole, infinities and NaN included.
 */
export interface AccumulatorState {
  /** Format version (1); `merge` refuses any other, so old or foreign states fail loudly. */
  version: 1;
  /** Which loss: `'klDiv'` or `'klDivWithLogits'` (states of different kinds do not merge). */
  kind: 'klDiv' | 'klDivWithLogits';
  /** `klDivWithLogits` only: the temperature T (results are multiplied by T * T). */
  temperature?: number;
  /**
   * Compensated float64 sum of every pointwise loss: `sum + compensation`. A non-finite sum
   * (an `inf` or NaN loss, or overflow) is the string `'inf'`, `'-inf'` or `'nan'`, and then
   * `compensation` is 0.
   */
  sum: JsonFloat;
  compensation: number;
  /** Elements summed (kept elements under a mask): what `'mean'` divides by. */
  elements: number;
  /** `shape[0]` of every chunk (1 for 0-d), masks or not: what `'batchmean'` divides by. */
  batch: number;
  /** `klDivWithLogits` only: rows kept (all rows without a mask), what `'tokenmean'` divides by. */
  rows?: number;
  /** Chunks added (including merged ones). */
  chunks: number;
}

/**
 * Reductions an accumulator can report: `'tokenmean'` (per kept row) only for
 * {@link LogitsKLAccumulator}.
 */
export type AccumulatedReduction = 'sum' | 'mean' | 'batchmean' | 'tokenmean';

function encodeFloat(v: number): JsonFloat {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

const DECODED = new Map<unknown, number>([
  ['inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['nan', Number.NaN],
]);

function badState(argument: string, rule: string, received: unknown): ArgumentError {
  return new ArgumentError(
    `merge: argument '${argument}' must be ${rule}; received ${describe(received)}.`,
    { code: 'E_INVALID_STATE', fn: 'merge', argument, received },
  );
}

/** The numbers of a state, decoded (a non-finite `sum` as a number). */
interface Totals {
  sum: number;
  compensation: number;
  elements: number;
  batch: number;
  rows: number;
  chunks: number;
}

abstract class Accumulator {
  protected t: Totals = { sum: 0, compensation: 0, elements: 0, batch: 0, rows: 0, chunks: 0 };

  protected constructor(
    private readonly kind: AccumulatorState['kind'],
    /** The logits' temperature (undefined for klDiv). */
    private readonly temperature: number | undefined,
    private readonly reductions: readonly AccumulatedReduction[],
  ) {}

  /**
   * Neumaier's compensated addition: the running sum stays within an ulp of the exact one.
   * Once the sum is non-finite (an `inf` or NaN chunk, or overflow) the finite rest cannot
   * change it, so only IEEE's own `inf + inf`, `inf - inf = NaN` and `NaN + x` apply, exactly
   * as in the one-shot sum (the compensation formula would turn `inf` into `inf - inf = NaN`).
   */
  protected addSum(v: number): void {
    const s = this.t.sum;
    const sum = s + v;
    if (Number.isFinite(sum))
      this.t.compensation += Math.abs(s) >= Math.abs(v) ? s - sum + v : v - sum + s;
    else this.t.compensation = 0;
    this.t.sum = sum;
  }

  /** Adds a chunk's sum and counts (once everything about the chunk is validated). */
  protected addChunk(sum: number, elements: number, batch: number, rows: number): void {
    this.addSum(sum);
    this.t.elements += elements;
    this.t.batch += batch;
    this.t.rows += rows;
    this.t.chunks += 1;
  }

  /**
   * Adds another accumulator's partial result, or its `state()` (e.g. from another worker or
   * machine, through JSON). Both must be of the same kind (and temperature).
   *
   * @throws {ArgumentError} `E_INVALID_STATE` for a state of another kind, temperature or
   *   version, or a malformed one (a missing field, a count that is not a non-negative integer,
   *   a sum that is neither a number nor `'inf'` / `'-inf'` / `'nan'`).
   */
  merge(other: Accumulator | AccumulatorState): this {
    const o = other instanceof Accumulator ? this.checkSame(other) : this.decode(other);
    const chunks = this.t.chunks;
    this.addChunk(o.sum, o.elements, o.batch, o.rows);
    this.addSum(o.compensation);
    this.t.chunks = chunks + o.chunks;
    return this;
  }

  private checkSame(other: Accumulator): Totals {
    if (other.kind !== this.kind) {
      throw badState(
        'other',
        `a ${this.kind} accumulator or its state`,
        `${other.kind} accumulator`,
      );
    }
    if (!Object.is(other.temperature, this.temperature)) {
      throw badState(
        'other.temperature',
        `${this.temperature}, this accumulator's`,
        other.temperature,
      );
    }
    return { ...other.t };
  }

  /** Validates a state (possibly from JSON) for this accumulator and decodes its sum. */
  private decode(state: unknown): Totals {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw badState('other', 'an accumulator or the object its state() returned', state);
    }
    const o = state as Record<string, unknown>;
    if (o.version !== STATE_VERSION) {
      throw badState(
        'other.version',
        `${STATE_VERSION} (the state format this kldiv reads)`,
        o.version,
      );
    }
    if (o.kind !== this.kind) {
      throw badState('other.kind', `'${this.kind}', this accumulator's kind`, o.kind);
    }
    if (this.temperature !== undefined && !Object.is(o.temperature, this.temperature)) {
      throw badState('other.temperature', `${this.temperature}, this accumulator's`, o.temperature);
    }
    const count = (name: keyof Totals): number => {
      const v = o[name];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw badState(`other.${name}`, 'a non-negative integer', v);
      }
      return v;
    };
    // a number (non-finite ones too, in memory) or one of JSON's stand-ins; null is what
    // JSON.stringify makes of a bare Infinity, and it is refused, not read as 0
    const sum = typeof o.sum === 'number' ? o.sum : DECODED.get(o.sum);
    if (sum === undefined) throw badState('other.sum', "a number or 'inf', '-inf', 'nan'", o.sum);
    const compensation = o.compensation;
    if (
      typeof compensation !== 'number' ||
      !Number.isFinite(compensation) ||
      (!Number.isFinite(sum) && compensation !== 0)
    ) {
      throw badState(
        'other.compensation',
        'a finite number (0 when the sum is not finite)',
        compensation,
      );
    }
    const t: Totals = {
      sum,
      compensation,
      elements: count('elements'),
      batch: count('batch'),
      rows: this.kind === 'klDiv' ? 0 : count('rows'),
      chunks: count('chunks'),
    };
    if (t.chunks === 0 && (t.elements !== 0 || t.batch !== 0 || t.rows !== 0 || sum !== 0)) {
      throw badState('other.chunks', 'at least 1 for a state that counts rows or a sum', t.chunks);
    }
    return t;
  }

  /**
   * A copy of the state, safe to serialise (`JSON.stringify` keeps non-finite sums as strings)
   * and to merge elsewhere.
   */
  state(): AccumulatorState {
    const { sum, compensation, elements, batch, rows, chunks } = this.t;
    const s: AccumulatorState = {
      version: STATE_VERSION,
      kind: this.kind,
      sum: encodeFloat(sum),
      compensation,
      elements,
      batch,
      chunks,
    };
    if (this.kind === 'klDivWithLogits') {
      s.temperature = this.temperature;
      s.rows = rows;
    }
    return s;
  }

  /** Counts so far: elements, `batch` (the sum of `shape[0]`), kept `rows` (logits only), chunks. */
  get count(): { elements: number; batch: number; rows?: number; chunks: number } {
    const { elements, batch, rows, chunks } = this.t;
    return this.kind === 'klDiv' ? { elements, batch, chunks } : { elements, batch, rows, chunks };
  }

  /**
   * The loss over everything added: `'sum'`, `'mean'` (per element), `'batchmean'` (per
   * `shape[0]` entry) or, from logits, `'tokenmean'` (per kept row), as a float64 0-d Tensor;
   * NaN for the means before anything was added (as PyTorch's empty reductions).
   */
  result(reduction: AccumulatedReduction = 'batchmean'): Tensor<'float64'> {
    accumulatedReduction(reduction, this.reductions, 'result');
    const { sum, compensation, elements, batch, rows } = this.t;
    const total = sum + compensation;
    const divisor =
      reduction === 'mean'
        ? elements
        : reduction === 'batchmean'
          ? batch
          : reduction === 'tokenmean'
            ? rows
            : 1;
    // divide, then scale by T * T: the one-shot function's order of operations
    const tt = this.temperature === undefined ? 1 : this.temperature * this.temperature;
    return new Tensor(Float64Array.of((total / divisor) * tt), [], 'float64');
  }
}

/**
 * Streams {@link klDiv}: add chunks of rows (`input` log-probabilities, `target` probabilities),
 * read any reduction at the end. `result(r)` over chunks equals `klDiv` with reduction `r` over
 * their concatenation along dim 0, for any chunking: to float64 rounding when finite (the chunk
 * sums are float64 and their running sum is compensated), exactly when `inf`, `-inf` or NaN.
 *
 * @throws {ArgumentError} `E_UNKNOWN_OPTION` for an option other than `logTarget` (a typo such
 *   as `logtarget` is not silently ignored), `E_OPTION_TYPE` for a non-boolean `logTarget`.
 *
 * @example
 * ```ts
 * import { KLAccumulator } from 'kldiv';
 * const acc = new KLAccumulator();
 * acc.add([[-1.2, -0.4]], [[0.3, 0.7]]);
 * acc.add([[-0.3, -1.5]], [[0.8, 0.2]]);
 * const other = new KLAccumulator().add([[-0.7, -0.7]], [[0.5, 0.5]]);
 * console.log(acc.merge(other).result('batchmean').toString()); // tensor(0.0252, dtype=torch.float64)
 * // states survive JSON, infinities included
 * const worker = JSON.stringify(new KLAccumulator().add([-1], [0.5]).add([-Infinity], [0.5]).state());
 * console.log(acc.merge(JSON.parse(worker)).result('sum').item()); // Infinity
 * ```
 */
export class KLAccumulator extends Accumulator {
  private readonly logTarget: boolean;

  constructor(options?: Pick<KLDivOptions, 'logTarget'>) {
    super('klDiv', undefined, ['sum', 'mean', 'batchmean']);
    const fn = 'KLAccumulator';
    const opts = checkOptions<Pick<KLDivOptions, 'logTarget'>>(options, ['logTarget'], fn);
    if (opts.logTarget !== undefined) checkBoolean(opts.logTarget, fn, 'logTarget');
    this.logTarget = opts.logTarget ?? false;
  }

  /** Adds a chunk: same arguments and broadcasting as `klDiv(input, target)`. */
  add(input: TensorLike, target: TensorLike): this {
    const call = prepareKlDiv(
      'KLAccumulator.add',
      input,
      target,
      { reduction: 'sum', logTarget: this.logTarget },
      false,
    );
    const sum = inPublicCall('KLAccumulator.add', () => klDivSum(call));
    this.addChunk(sum, call.numel, batchDivisor(call.x.shape), 0);
    return this;
  }

  /** `'sum'`, `'mean'` or `'batchmean'` (default) over everything added. */
  override result(
    reduction: Exclude<AccumulatedReduction, 'tokenmean'> = 'batchmean',
  ): Tensor<'float64'> {
    return super.result(reduction);
  }
}

/** Options of {@link LogitsKLAccumulator}: fixed for every chunk (masks are per chunk). */
export type LogitsKLAccumulatorOptions = Pick<KLDivWithLogitsOptions, 'temperature' | 'dim'>;

/**
 * Streams {@link klDivWithLogits} (temperature and dim fixed at construction): add chunks of
 * rows of student and teacher logits, each with its own mask; `result()` applies the `T * T`
 * factor. Over chunks along dim 0 (dim not 0), `result(r)` equals `klDivWithLogits` with
 * reduction `r` on the concatenation (and the concatenated mask), for any chunking: to float64
 * rounding when finite, exactly when `inf`, `-inf` or NaN. `'tokenmean'` is the mean per kept
 * row (per token of `[tokens, vocab]` logits).
 *
 * @throws {ArgumentError} `E_UNKNOWN_OPTION` for an option other than `temperature` and `dim`
 *   (`reduction` is chosen at `result()`, masks at `add()`), `E_OPTION_RANGE` for a temperature
 *   that is not a finite number > 0, `E_OPTION_TYPE` for a non-number temperature,
 *   `E_INVALID_DIM` for a non-integer dim (its range is checked against each chunk).
 *
 * @example
 * ```ts
 * import { LogitsKLAccumulator } from 'kldiv';
 * const acc = new LogitsKLAccumulator({ temperature: 2 });
 * acc.add([[2.0, 0.5, -1.0]], [[2.5, 0.0, -2.0]]);
 * acc.add([[0.1, 0.2, 0.3], [9, 9, 9]], [[0.0, 0.0, 1.0], [0, 0, 0]], [1, 0]); // 2nd row is padding
 * console.log(acc.result('tokenmean').toString()); // tensor(0.1194, dtype=torch.float64)
 * console.log(acc.result('batchmean').toString()); // tensor(0.0796, dtype=torch.float64)
 * ```
 */
export class LogitsKLAccumulator extends Accumulator {
  private readonly options: LogitsKLAccumulatorOptions;

  constructor(options?: LogitsKLAccumulatorOptions) {
    const fn = 'LogitsKLAccumulator';
    const opts = checkOptions<LogitsKLAccumulatorOptions>(options, ['temperature', 'dim'], fn);
    const temperature = numberOption(
      opts.temperature,
      1,
      fn,
      'temperature',
      (v) => v > 0 && Number.isFinite(v),
      'a finite number > 0',
    );
    if (opts.dim !== undefined && !Number.isInteger(opts.dim)) {
      throw new ArgumentError(
        `${fn}: option 'dim' must be an integer; received ${describe(opts.dim)}.`,
        { code: 'E_INVALID_DIM', fn, argument: 'dim', received: opts.dim, torchType: 'TypeError' },
      );
    }
    super('klDivWithLogits', temperature, ['sum', 'mean', 'batchmean', 'tokenmean']);
    this.options = { temperature, dim: opts.dim };
  }

  /** Adds a chunk of rows; `mask` (one entry per row) skips rows such as padding. */
  add(
    studentLogits: TensorLike,
    teacherLogits: TensorLike,
    mask?: KLDivWithLogitsOptions['mask'],
  ): this {
    const p = prepareLogitsKl(
      'LogitsKLAccumulator.add',
      studentLogits,
      teacherLogits,
      { ...this.options, mask, reduction: 'sum' },
      false,
    );
    // chunks are rows along dim 0: a softmax along dim 0 would be split across chunks, so each
    // chunk's sum would be another loss than the one-shot one (a silent wrong answer)
    if (p.dim === 0 && p.s.shape.length > 1) {
      throw new ArgumentError(
        `LogitsKLAccumulator.add: option 'dim' must not be 0 for chunks of rank ${p.s.shape.length}: chunks are added along dim 0, so a softmax along it would be split between chunks; received dim ${describe(this.options.dim)}.`,
        {
          code: 'E_INVALID_DIM',
          fn: 'LogitsKLAccumulator.add',
          argument: 'dim',
          received: this.options.dim,
        },
      );
    }
    const rows = keptRows(p);
    this.addChunk(logitsKlSum(p), rows * p.layout.V, batchDivisor(p.s.shape), rows);
    return this;
  }
}
