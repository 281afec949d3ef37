/**
 * Streaming KL divergence: feed chunks of rows, get every reduction at the end, merge partial
 * results computed elsewhere. Nothing of the whole data set is ever held.
 *
 * @module
 */

import { ArgumentError, describe } from '../errors.js';
import { klDivSum } from '../functional/kl-div.js';
import { type KLDivOptions, prepareKlDiv } from '../functional/kl-div-args.js';
import {
  type KLDivWithLogitsOptions,
  logitsKlSum,
  prepareLogitsKl,
} from '../functional/kl-div-with-logits.js';
import { keptRows } from '../functional/logits-args.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/** The JSON-serialisable state of an accumulator (what `merge` combines). */
export interface AccumulatorState {
  /** Which loss: `'klDiv'` or `'klDivWithLogits'` (states of different kinds do not merge). */
  kind: 'klDiv' | 'klDivWithLogits';
  /** Compensated float64 sum of every pointwise loss: `sum + compensation`. */
  sum: number;
  compensation: number;
  /** Elements summed (what `'mean'` divides by). */
  elements: number;
  /** Rows summed: `shape[0]` of each chunk, or kept rows under a mask (what `'batchmean'` divides by). */
  rows: number;
  /** Chunks added (including merged ones). */
  chunks: number;
  /** T * T for the logits loss (1 otherwise). */
  scale: number;
}

/** Reductions an accumulator can report. */
export type AccumulatedReduction = 'sum' | 'mean' | 'batchmean';

abstract class Accumulator {
  protected s: AccumulatorState;

  protected constructor(kind: AccumulatorState['kind'], scale: number) {
    this.s = { kind, sum: 0, compensation: 0, elements: 0, rows: 0, chunks: 0, scale };
  }

  /** Neumaier's compensated addition: the running sum stays within an ulp of the exact one. */
  protected addSum(v: number, elements: number, rows: number): void {
    const { sum } = this.s;
    const t = sum + v;
    this.s.compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    this.s.sum = t;
    this.s.elements += elements;
    this.s.rows += rows;
    this.s.chunks += 1;
  }

  /**
   * Adds another accumulator's partial result (or its `state()`, e.g. from another worker or
   * machine). Both must be of the same kind and scale.
   */
  merge(other: Accumulator | AccumulatorState): this {
    const o = other instanceof Accumulator ? other.s : other;
    if (o?.kind !== this.s.kind || o.scale !== this.s.scale || !Number.isFinite(o.elements)) {
      throw new ArgumentError(
        `merge: argument 'other' must be the state of a ${this.s.kind} accumulator with scale ${this.s.scale}; received ${describe(o?.kind)} with scale ${describe(o?.scale)}.`,
        { code: 'E_OPTION_TYPE', fn: 'merge', argument: 'other', received: o },
      );
    }
    const chunks = this.s.chunks;
    this.addSum(o.sum, o.elements, o.rows);
    this.addSum(o.compensation, 0, 0);
    this.s.chunks = chunks + o.chunks;
    return this;
  }

  /** A copy of the state, safe to serialise (`JSON.stringify`) and merge elsewhere. */
  state(): AccumulatorState {
    return { ...this.s };
  }

  /** Elements and rows seen so far. */
  get count(): { elements: number; rows: number; chunks: number } {
    return { elements: this.s.elements, rows: this.s.rows, chunks: this.s.chunks };
  }

  /**
   * The loss over everything added: `'sum'`, `'mean'` (per element) or `'batchmean'` (per row),
   * as a float64 0-d Tensor; NaN for 'mean'/'batchmean' before anything was added (as PyTorch's
   * empty reductions).
   */
  result(reduction: AccumulatedReduction = 'batchmean'): Tensor<'float64'> {
    const total = (this.s.sum + this.s.compensation) * this.s.scale;
    let value: number;
    if (reduction === 'sum') value = total;
    else if (reduction === 'mean') value = total / this.s.elements;
    else if (reduction === 'batchmean') value = total / this.s.rows;
    else {
      throw new ArgumentError(
        `result: argument 'reduction' must be 'sum', 'mean' or 'batchmean'; received ${describe(reduction)}.`,
        { code: 'E_INVALID_REDUCTION', fn: 'result', argument: 'reduction', received: reduction },
      );
    }
    return new Tensor(Float64Array.of(value), [], 'float64');
  }
}

/**
 * Streams {@link klDiv}: add chunks of rows (`input` log-probabilities, `target` probabilities),
 * read any reduction at the end. `result('batchmean')` over chunks equals `klDiv` with
 * `'batchmean'` over their concatenation along dim 0 (to float64 rounding: the chunk sums are
 * float64 and their running sum is compensated).
 *
 * @example
 * ```ts
 * import { KLAccumulator } from 'kldiv';
 * const acc = new KLAccumulator();
 * acc.add([[-1.2, -0.4]], [[0.3, 0.7]]);
 * acc.add([[-0.3, -1.5]], [[0.8, 0.2]]);
 * const other = new KLAccumulator().add([[-0.7, -0.7]], [[0.5, 0.5]]);
 * console.log(acc.merge(other).result('batchmean').toString()); // tensor(0.0252, dtype=torch.float64)
 * ```
 */
export class KLAccumulator extends Accumulator {
  private readonly logTarget: boolean;

  constructor(options?: Pick<KLDivOptions, 'logTarget'>) {
    super('klDiv', 1);
    this.logTarget = options?.logTarget ?? false;
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
    this.addSum(klDivSum(call), call.numel, call.x.shape.length === 0 ? 1 : call.x.shape[0]);
    return this;
  }
}

/**
 * Streams {@link klDivWithLogits} (temperature, dim and mask fixed at construction): add chunks
 * of rows of student and teacher logits; `result()` applies the `T * T` factor. Over chunks
 * along dim 0 of `[tokens, vocab]` logits, `result('batchmean')` equals `klDivWithLogits` on the
 * whole; masks are given per chunk.
 *
 * @example
 * ```ts
 * import { LogitsKLAccumulator } from 'kldiv';
 * const acc = new LogitsKLAccumulator({ temperature: 2 });
 * acc.add([[2.0, 0.5, -1.0]], [[2.5, 0.0, -2.0]]);
 * acc.add([[0.1, 0.2, 0.3]], [[0.0, 0.0, 1.0]]);
 * console.log(acc.result().toString()); // tensor(0.1194, dtype=torch.float64)
 * ```
 */
export class LogitsKLAccumulator extends Accumulator {
  private readonly options: Omit<KLDivWithLogitsOptions, 'mask' | 'reduction'>;

  constructor(options?: Omit<KLDivWithLogitsOptions, 'mask' | 'reduction'>) {
    const t = options?.temperature ?? 1;
    super('klDivWithLogits', t * t);
    // validated now (bad temperature or dim types), not at the first add
    prepareLogitsKl('LogitsKLAccumulator', [0], [0], { ...options, dim: -1 }, false);
    this.options = { ...options };
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
    const rows = mask === undefined ? (p.s.shape.length === 0 ? 1 : p.s.shape[0]) : keptRows(p);
    this.addSum(logitsKlSum(p), keptRows(p) * p.layout.V, rows);
    return this;
  }
}
