import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { constraints } from '../constraints.js';
import { type DistributionOptions, TransformedDistribution } from '../distribution.js';
import { scalarParams } from '../params.js';
import type { RandomGenerator } from '../random.js';
import { EULER_GAMMA } from '../special.js';
import { Uniform } from './uniform.js';

/** Parameters of {@link Gumbel}. */
export interface GumbelParams extends DistributionOptions {
  /** Location (mode). */
  loc: TensorLike;
  /** Scale (> 0). */
  scale: TensorLike;
}

/**
 * The Gumbel (type-I extreme value) distribution (torch.distributions.Gumbel, built in PyTorch
 * by transforming a Uniform).
 *
 * @example
 * ```ts
 * import { Gumbel } from 'kldiv/distributions';
 * const d = new Gumbel({ loc: 0, scale: 1 });
 * console.log(d.mean.item().toFixed(6), d.variance.item() === Math.PI ** 2 / 6); // 0.577216 true
 * ```
 */
export class Gumbel extends TransformedDistribution {
  static override readonly familyName: string = 'Gumbel';
  declare readonly params: { loc: Float64Array; scale: Float64Array };

  constructor(params: GumbelParams) {
    const r = scalarParams('Gumbel', params, {
      loc: constraints.real,
      scale: constraints.positive,
    });
    super(r.batchShape, [], r.dtype, r.validateArgs, r.values, r.shown);
  }
  /** The transform chain, as PyTorch prints it. */
  get transforms(): string {
    return 'ExpTransform().inv, AffineTransform(), ExpTransform().inv, AffineTransform()';
  }
  /** The Uniform(tiny, 1 - eps) PyTorch transforms. */
  get baseDist(): Uniform {
    const tiny = this.dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
    const eps = this.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
    return new Uniform({ low: tiny, high: 1 - eps, validateArgs: false });
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
    return this.params.loc[i] + this.params.scale[i] * EULER_GAMMA;
  }
  /** torch's `Gumbel.stddev`: `pi / sqrt(6) * scale` (keeps the sign of an unvalidated scale). */
  override get stddev(): Tensor {
    return this.mapBatch((i) => (Math.PI / Math.sqrt(6)) * this.params.scale[i]);
  }
  override varianceAt(i: number): number {
    return ((Math.PI / Math.sqrt(6)) * this.params.scale[i]) ** 2;
  }
  override entropyAt(i: number): number {
    return Math.log(this.params.scale[i]) + (1 + EULER_GAMMA);
  }
  logProbAt(i: number, v: Float64Array, off: number): number {
    const s = this.params.scale[i];
    const y = (this.params.loc[i] - v[off]) / s;
    return y - Math.exp(y) - Math.log(s);
  }
  inSupport(_i: number, v: Float64Array, off: number): boolean {
    return constraints.real.check(v[off]);
  }
  sampleInto(i: number, rng: RandomGenerator, out: Float64Array, off: number): void {
    out[off] = this.params.loc[i] - this.params.scale[i] * Math.log(-Math.log(rng.randomOpen()));
  }
}
