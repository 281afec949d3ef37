import type { FloatDType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Distribution } from '../distribution.js';
import type { RandomGenerator } from '../random.js';
import {
  type CategoricalParams,
  type CategoricalTable,
  categoricalDraw,
  categoricalEntropy,
  categoricalTable,
  eventTensor,
} from './categorical.js';

/**
 * The categorical distribution with one-hot vector events of length K
 * (torch.distributions.OneHotCategorical).
 *
 * @example
 * ```ts
 * import { OneHotCategorical } from 'kldiv/distributions';
 * const d = new OneHotCategorical({ probs: [0.25, 0.75] });
 * console.log(d.eventShape, d.mean.tolist(), d.logProb([0, 1]).item() === Math.log(0.75)); // [ 2 ] [ 0.25, 0.75 ] true
 * ```
 */
export class OneHotCategorical extends Distribution {
  static override readonly familyName: string = 'OneHotCategorical';
  declare readonly params: { probs: Float64Array; logits: Float64Array };
  /** @internal */
  readonly table: CategoricalTable;

  constructor(params: CategoricalParams) {
    const c = categoricalTable('OneHotCategorical', params, true);
    super(c.batchShape, [c.k], c.dtype, c.validateArgs, { probs: c.probs, logits: c.logits }, [
      c.shown,
    ]);
    this.table = c;
  }
  /** Normalised probabilities. */
  get probs(): Tensor {
    return this.param('probs');
  }
  /** Normalised log-probabilities. */
  get logits(): Tensor {
    return this.param('logits');
  }
  protected override paramShape(): readonly number[] {
    return [...this.batchShape, this.table.k];
  }
  /** @internal */
  get supportName(): string {
    return 'OneHot()';
  }
  /** @internal The value is an index in one-hot form (PyTorch takes its argmax): the
   * distribution's dtype, as Categorical's integer index gives. */
  protected override logProbDtype(): FloatDType {
    return this.dtype;
  }
  override get mean(): Tensor {
    return eventTensor(this, this.table.k, (x) => this.table.probs[x]);
  }
  override get variance(): Tensor {
    return eventTensor(this, this.table.k, (x) => this.table.probs[x] * (1 - this.table.probs[x]));
  }
  override entropyAt(i: number): number {
    return categoricalEntropy(this.table, i, this.dtype);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    let best = 0;
    for (let j = 1; j < this.table.k; j++) if (v[off + j] > v[off + best]) best = j;
    return this.table.logits[i * this.table.k + best];
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    let s = 0;
    for (let j = 0; j < this.table.k; j++) {
      const x = v[off + j];
      if (x !== 0 && x !== 1) return false;
      s += x;
    }
    return s === 1;
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out.fill(0, off, off + this.table.k);
    out[off + categoricalDraw(this.table, i, rng)] = 1;
  }
}
