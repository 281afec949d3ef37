import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, ExponentialFamily } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParams extends DistributionOptions {
  /** Mean. */
  loc: TensorLike;
  /** Standard deviation (> 0). */
  scale: TensorLike;
}

/**
 * The normal distribution N(loc, scale^2) (torch.distributions.Normal).
 *
 * @example
 * ```ts
 * import { Normal } from 'kldiv/distributions';
 * const d = new Normal({ loc: 0, scale: 1 });
 * console.log(d.logProb(0).item().toFixed(6), d.entropy().item().toFixed(6)); // -0.918939 1.418939
 * ```
 */
export class Normal extends ExponentialFamily {
  static override readonly familyName: string = 'Normal';
  declare readonly params: { loc: Float64Array; scale: Float64Array };

  constructor(params: NormalParams) {
    const r = scalarParams('Normal', params, {
      loc: constraints.real,
      scale: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Mean parameter. */
  get loc(): Tensor {
    return this.param('loc');
  }
  /** Standard deviation parameter. */
  get scale(): Tensor {
    return this.param('scale');
  }
  /** @internal */
  get supportName(): string {
    return constraints.real.name;
  }
  override meanAt(i: number): number {
    return this.params.loc[i];
  }
  /** torch's `Normal.stddev` is `scale` itself (so an unvalidated negative scale stays negative). */
  override get stddev(): Tensor {
    return this.mapBatch((i) => this.params.scale[i]);
  }
  override varianceAt(i: number): number {
    return this.params.scale[i] ** 2;
  }
  override entropyAt(i: number): number {
    return 0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(this.params.scale[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const s = this.params.scale[i];
    const d = v[off] - this.params.loc[i];
    return -(d * d) / (2 * s * s) - Math.log(s) - LOG_SQRT_2PI;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.real.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = this.params.loc[i] + this.params.scale[i] * rng.normal();
  }
}
