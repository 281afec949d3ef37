import { ArgumentError, describe } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { numelOf } from '../../tensor/shape.js';
import { Tensor, type TensorLike } from '../../tensor/tensor.js';
import { Distribution, type DistributionOptions, familyOf } from '../distribution.js';
import type { RandomGenerator } from '../random.js';

/** Parameters of {@link Independent}. */
export interface IndependentParams extends DistributionOptions {
  /** The distribution whose rightmost batch dimensions become event dimensions. */
  baseDistribution: Distribution;
  /** How many rightmost batch dimensions to reinterpret (0 to base.batchShape.length). */
  reinterpretedBatchNdims: number;
}

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch dimensions of a distribution as
 * event dimensions (torch.distributions.Independent): log-densities and entropies are summed
 * over them, e.g. a diagonal Gaussian from a batch of Normals.
 *
 * @example
 * ```ts
 * import { Independent, Normal } from 'kldiv/distributions';
 * const d = new Independent({ baseDistribution: new Normal({ loc: [0, 0], scale: 1 }), reinterpretedBatchNdims: 1 });
 * console.log(d.batchShape, d.eventShape, d.logProb([0, 0]).item().toFixed(6)); // [] [ 2 ] -1.837877
 * ```
 */
export class Independent extends Distribution {
  static override readonly familyName: string = 'Independent';
  /** The wrapped distribution. */
  readonly baseDist: Distribution;
  /** Number of reinterpreted batch dimensions. */
  readonly reinterpretedBatchNdims: number;
  /** @internal numel of the reinterpreted dimensions. */
  readonly blocks: number;

  constructor(params: IndependentParams) {
    const fn = 'Independent';
    const opts = checkOptions<IndependentParams>(
      params,
      ['baseDistribution', 'reinterpretedBatchNdims', 'validateArgs'],
      fn,
    );
    const base = opts.baseDistribution;
    if (!(base instanceof Distribution)) {
      throw new ArgumentError(
        `${fn}: option 'baseDistribution' must be a Distribution; received ${describe(base)}.`,
        {
          code: 'E_OPTION_TYPE',
          fn,
          argument: 'baseDistribution',
          received: base,
          torchType: 'TypeError',
        },
      );
    }
    const r = opts.reinterpretedBatchNdims;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > base.batchShape.length) {
      throw new ArgumentError(
        `${fn}: Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${describe(r)} vs ${base.batchShape.length}.`,
        {
          code: 'E_OPTION_RANGE',
          fn,
          argument: 'reinterpretedBatchNdims',
          received: r,
          torchType: 'ValueError',
        },
      );
    }
    const cut = base.batchShape.length - r;
    super(
      base.batchShape.slice(0, cut),
      [...base.batchShape.slice(cut), ...base.eventShape],
      base.dtype,
      opts.validateArgs ?? base.validateArgs,
    );
    this.baseDist = base;
    this.reinterpretedBatchNdims = r;
    this.blocks = numelOf(base.batchShape.slice(cut));
  }
  /** @internal */
  get supportName(): string {
    return `IndependentConstraint(${this.baseDist.supportName}, ${this.reinterpretedBatchNdims})`;
  }
  private reshaped(t: Tensor): Tensor {
    return new Tensor(t.data, [...this.batchShape, ...this.eventShape], t.dtype);
  }
  override get mean(): Tensor {
    return this.reshaped(this.baseDist.mean);
  }
  override get variance(): Tensor {
    return this.reshaped(this.baseDist.variance);
  }
  override entropyAt(i: number): number {
    let s = 0;
    for (let j = 0; j < this.blocks; j++) s += this.baseDist.entropyAt(i * this.blocks + j);
    return s;
  }
  /**
   * @internal As torch's `Independent.log_prob`: the base distribution's log-density (the base
   * validates and broadcasts the value against its own batch and event shape), summed over the
   * rightmost `reinterpretedBatchNdims` dimensions.
   */
  override logProb64(value: TensorLike): { data: Float64Array; shape: number[] } {
    const base = this.baseDist.logProb64(value);
    const r = this.reinterpretedBatchNdims;
    const shape = base.shape.slice(0, base.shape.length - r);
    const block = numelOf(base.shape.slice(base.shape.length - r));
    const out = new Float64Array(numelOf(shape));
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let j = 0; j < block; j++) s += base.data[i * block + j];
      out[i] = s;
    }
    return { data: out, shape };
  }

  logProbAt(i: number, v: Float64Array, off: number): number {
    let s = 0;
    const e = this.baseDist.eventSize;
    for (let j = 0; j < this.blocks; j++)
      s += this.baseDist.logProbAt(i * this.blocks + j, v, off + j * e);
    return s;
  }
  inSupport(i: number, v: Float64Array, off: number): boolean {
    const e = this.baseDist.eventSize;
    for (let j = 0; j < this.blocks; j++)
      if (!this.baseDist.inSupport(i * this.blocks + j, v, off + j * e)) return false;
    return true;
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    const e = this.baseDist.eventSize;
    for (let j = 0; j < this.blocks; j++)
      this.baseDist.sampleInto(i * this.blocks + j, rng, out, off + j * e);
  }
  override toString(): string {
    return `${familyOf(this)}(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}
