import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';

/** Parameters of {@link Exponential}. */
export interface ExponentialParams extends DistributionOptions {
  /** Rate lambda (> 0). */
  rate: TensorLike;
}

/**
 * The exponential distribution on [0, inf) (torch.distributions.Exponential).
 *
 * @example
 * ```ts
 * import { Exponential } from 'kldiv/distributions';
 * const d = new Exponential({ rate: 2 });
 * console.log(d.mean.item(), d.variance.item()); // 0.5 0.25
 * ```
 */
export class Exponential extends ExponentialFamily {
  static override readonly familyName: string = 'Exponential';
  declare readonly params: { rate: Float64Array };

  constructor(params: ExponentialParams) {
    const r = scalarParams('Exponential', params, { rate: constraints.positive });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Rate. */
  get rate(): Tensor {
    return this.param('rate');
  }
  /** @internal */
  get supportName(): string {
    return constraints.nonnegative.name;
  }
  override meanAt(i: number): number {
    return 1 / this.params.rate[i];
  }
  /** torch's `Exponential.stddev`: `1 / rate` (keeps the sign of an unvalidated rate). */
  override get stddev(): Tensor {
    return this.mapBatch((i) => 1 / this.params.rate[i]);
  }
  override varianceAt(i: number): number {
    return this.params.rate[i] ** -2;
  }
  override entropyAt(i: number): number {
    return 1 - Math.log(this.params.rate[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const r = this.params.rate[i];
    return Math.log(r) - r * v[off];
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.nonnegative.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = -Math.log1p(-rng.random()) / this.params.rate[i];
  }
}
