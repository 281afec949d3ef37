import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { scalarParams } from '../params.js';
import { type RandomGenerator, standardGamma } from '../random.js';
import { digamma, lgamma, xlogy } from '../special.js';

/** Parameters of {@link Gamma}. */
export interface GammaParams extends DistributionOptions {
  /** Shape alpha (> 0). */
  concentration: TensorLike;
  /** Rate beta (> 0). */
  rate: TensorLike;
}

/**
 * The gamma distribution with shape `concentration` and `rate` (torch.distributions.Gamma).
 *
 * @example
 * ```ts
 * import { Gamma } from 'kldiv/distributions';
 * const d = new Gamma({ concentration: 3, rate: 2 });
 * console.log(d.mean.item(), d.variance.item()); // 1.5 0.75
 * ```
 */
export class Gamma extends ExponentialFamily {
  static override readonly familyName: string = 'Gamma';
  declare readonly params: { concentration: Float64Array; rate: Float64Array };

  constructor(params: GammaParams) {
    const r = scalarParams('Gamma', params, {
      concentration: constraints.positive,
      rate: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Shape. */
  get concentration(): Tensor {
    return this.param('concentration');
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
    return this.params.concentration[i] / this.params.rate[i];
  }
  override varianceAt(i: number): number {
    return this.params.concentration[i] / this.params.rate[i] ** 2;
  }
  override entropyAt(i: number): number {
    const a = this.params.concentration[i];
    return a - Math.log(this.params.rate[i]) + lgamma(a) + (1 - a) * digamma(a);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const a = this.params.concentration[i];
    const r = this.params.rate[i];
    return xlogy(a, r) + xlogy(a - 1, v[off]) - r * v[off] - lgamma(a);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.nonnegative.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    // PyTorch clamps gamma draws to the smallest normal number so log(x) stays finite.
    const x = standardGamma(rng, this.params.concentration[i]) / this.params.rate[i];
    out[off] = Math.max(x, this.dtype === 'float32' ? 2 ** -126 : 2 ** -1022);
  }
}
