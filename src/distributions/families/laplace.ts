import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';

/** Parameters of {@link Laplace}. */
export interface LaplaceParams extends DistributionOptions {
  /** Location (mean and median). */
  loc: TensorLike;
  /** Scale b (> 0). */
  scale: TensorLike;
}

/**
 * The Laplace (double exponential) distribution (torch.distributions.Laplace).
 *
 * @example
 * ```ts
 * import { Laplace } from 'kldiv/distributions';
 * const d = new Laplace({ loc: 1, scale: 2 });
 * console.log(d.mean.item(), d.variance.item()); // 1 8
 * ```
 */
export class Laplace extends Distribution {
  static override readonly familyName: string = 'Laplace';
  declare readonly params: { loc: Float64Array; scale: Float64Array };

  constructor(params: LaplaceParams) {
    const r = scalarParams('Laplace', params, {
      loc: constraints.real,
      scale: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** Location. */
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
  override meanAt(i: number): number {
    return this.params.loc[i];
  }
  /** torch's `Laplace.stddev`: `2 ** 0.5 * scale` (keeps the sign of an unvalidated scale). */
  override get stddev(): Tensor {
    return this.mapBatch((i) => 2 ** 0.5 * this.params.scale[i]);
  }
  override varianceAt(i: number): number {
    return 2 * this.params.scale[i] ** 2;
  }
  override entropyAt(i: number): number {
    return 1 + Math.log(2 * this.params.scale[i]);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const s = this.params.scale[i];
    return -Math.log(2 * s) - Math.abs(v[off] - this.params.loc[i]) / s;
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.real.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    let u: number;
    do u = 2 * rng.random() - 1;
    while (u === -1); // log1p(-1) would give an infinite draw
    out[off] = this.params.loc[i] - this.params.scale[i] * Math.sign(u) * Math.log1p(-Math.abs(u));
  }
}
