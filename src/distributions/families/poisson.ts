import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { scalarParams } from '../params.js';
import { poisson, type RandomGenerator } from '../random.js';
import { lgamma, xlogy } from '../special.js';

/** Parameters of {@link Poisson}. */
export interface PoissonParams extends DistributionOptions {
  /** Rate lambda (>= 0). */
  rate: TensorLike;
}

/**
 * The Poisson distribution (torch.distributions.Poisson). Like PyTorch, it has no closed-form
 * `entropy()` (it throws `E_NOT_IMPLEMENTED`).
 *
 * @example
 * ```ts
 * import { Poisson } from 'kldiv/distributions';
 * const d = new Poisson({ rate: 4 });
 * console.log(d.mean.item(), Math.exp(d.logProb(0).item()).toFixed(6)); // 4 0.018316
 * ```
 */
export class Poisson extends ExponentialFamily {
  static override readonly familyName: string = 'Poisson';
  declare readonly params: { rate: Float64Array };

  constructor(params: PoissonParams) {
    const r = scalarParams('Poisson', params, { rate: constraints.nonnegative });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Rate. */
  get rate(): Tensor {
    return this.param('rate');
  }
  /** @internal */
  get supportName(): string {
    return constraints.nonnegativeInteger.name;
  }
  override meanAt(i: number): number {
    return this.params.rate[i];
  }
  override varianceAt(i: number): number {
    return this.params.rate[i];
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const r = this.params.rate[i];
    return xlogy(v[off], r) - r - lgamma(v[off] + 1);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.nonnegativeInteger.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = poisson(rng, this.params.rate[i]);
  }
}
