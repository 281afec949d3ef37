import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';

/** Parameters of {@link Cauchy}. */
export interface CauchyParams extends DistributionOptions {
  /** Median. */
  loc: TensorLike;
  /** Half width at half maximum (> 0). */
  scale: TensorLike;
}

/**
 * The Cauchy distribution (torch.distributions.Cauchy): mean NaN, variance inf.
 *
 * @example
 * ```ts
 * import { Cauchy } from 'kldiv/distributions';
 * const d = new Cauchy({ loc: 0, scale: 1 });
 * console.log(d.mean.item(), d.variance.item(), d.entropy().item().toFixed(6)); // NaN Infinity 2.531024
 * ```
 */
export class Cauchy extends Distribution {
  static override readonly familyName: string = 'Cauchy';
  declare readonly params: { loc: Float64Array; scale: Float64Array };

  constructor(params: CauchyParams) {
    const r = scalarParams('Cauchy', params, {
      loc: constraints.real,
      scale: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Median. */
  get loc(): Tensor {
    return this.param('loc');
  }
  /** Scale. */
  get scale(): Tensor {
    return this.param('scale');
  }
  /** @internal */
  get supportName(): string {
    return constraints.real.name;
  }
  override meanAt(): number {
    return Number.NaN;
  }
  override varianceAt(): number {
    return Number.POSITIVE_INFINITY;
  }
  override entropyAt(i: number): number {
    return Math.log(4 * Math.PI) + Math.log(this.params.scale[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const s = this.params.scale[i];
    const z = (v[off] - this.params.loc[i]) / s;
    return -Math.log(Math.PI) - Math.log(s) - Math.log(1 + z * z);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.real.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = this.params.loc[i] + this.params.scale[i] * Math.tan(Math.PI * (rng.random() - 0.5));
  }
}
